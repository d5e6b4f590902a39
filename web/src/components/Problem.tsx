import { ApiError } from '../api/client.js';
import { t } from '../i18n/index.js';

/** An error from the server shown as it is: what failed, why, and which fields. */
export function Problem({ error, title }: { error: unknown; title?: string }) {
  const e = error instanceof ApiError ? error : null;
  const message = e?.detail || (error instanceof Error ? error.message : String(error));
  // A refusal under a named rule says everything in its detail; only field problems are listed.
  const fields = e?.errors.filter((p) => p.rule === undefined) ?? [];
  return (
    <div className="notice notice-error" role="alert" data-rule={e?.errors[0]?.rule}>
      <p className="notice-title">{title ?? e?.title ?? t('common.error')}</p>
      <p>{message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((p) => (
            <li key={`${p.path}:${p.reason}`}>
              <code>{p.path}</code> {p.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
