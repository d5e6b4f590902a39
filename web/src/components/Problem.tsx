import { ApiError } from '../api/client.js';
import { t } from '../i18n/index.js';

/** An error from the server shown as it is: what failed, why, and which fields. */
export function Problem({ error, title }: { error: unknown; title?: string }) {
  const e = error instanceof ApiError ? error : null;
  const message = e?.detail || (error instanceof Error ? error.message : String(error));
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{title ?? e?.title ?? t('common.error')}</p>
      <p>{message}</p>
      {e && e.errors.length > 0 && (
        <ul>
          {e.errors.map((p) => (
            <li key={`${p.path}:${p.reason}`}>
              <code>{p.path}</code> {p.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
