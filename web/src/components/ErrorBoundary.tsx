import { Component, type ErrorInfo, type ReactNode } from 'react';
import { t } from '../i18n/index.js';

interface State {
  error: Error | null;
}

/** Keeps one failing screen from blanking the whole dashboard; the shell and navigation stay usable. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('screen failed', error, info.componentStack);
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page">
        <div className="notice notice-error" role="alert" data-testid="screen-failed">
          <p className="notice-title">{t('app.screenFailed')}</p>
          <p>{this.state.error.message}</p>
        </div>
      </div>
    );
  }
}
