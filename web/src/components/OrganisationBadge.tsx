import type { Me } from '../api/types.js';
import { t } from '../i18n/index.js';

/**
 * Whose view this is. Parties see different records than the commission or a guarantor, so the badge
 * is always on screen and names the organisation, its kind and its id.
 */
export function OrganisationBadge({ me }: { me: Me }) {
  const org = me.organisation;
  if (!org) {
    return (
      <div className="org-badge org-public" data-testid="org-badge" data-kind="public">
        <span className="org-kind">{t('org.publicView')}</span>
        <span className="org-name">{t('org.notSignedIn')}</span>
      </div>
    );
  }
  return (
    <div
      className={`org-badge org-${org.kind}`}
      data-testid="org-badge"
      data-kind={org.kind}
      data-organisation={org.id}
      title={t('org.viewingAs', { name: org.name })}
    >
      <span className="org-kind">
        {t(`orgKind.${org.kind}`)} · {org.id}
      </span>
      <span className="org-name">{org.name}</span>
    </div>
  );
}
