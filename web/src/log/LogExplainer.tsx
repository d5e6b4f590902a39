import { getLogVerifierKey } from '../api/log.js';
import type { Witness } from '../api/types.js';
import { t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';

/** A vkey's name (`<name>+<key id>+<key>`): for the log's key, the log's origin. */
export function vkeyName(vkey: string): string {
  const plus = vkey.indexOf('+');
  return plus < 0 ? vkey : vkey.slice(0, plus);
}

/**
 * The trust policy and the commands that audit this log from the command line (see
 * docs/transparency-log.md, "Running an audit"): the log's key and the witnesses' as this server
 * names them, which an auditor should confirm with the commission and the witnesses' operators.
 */
export function auditScript(logUrl: string, logVkey: string, witnesses: readonly Witness[]): string {
  return [
    `# parties.policy — ${t('log.policyComment')}`,
    `log ${logVkey}`,
    ...witnesses.map((w) => `witness ${w.name} ${w.vkey}`),
    witnesses.length > 0 ? 'quorum 1' : 'quorum none',
    '',
    `# ${t('log.auditRemoteComment')}`,
    `truceline audit ${logUrl} --policy parties.policy`,
    '',
    `# ${t('log.auditMirrorComment')}`,
    'truceline log export ./mirror',
    'truceline audit ./mirror --policy parties.policy',
    'truceline audit --database "$DATABASE_URL" --policy parties.policy',
  ].join('\n');
}

/** What the log proves, in plain words, and how to check it: the origin, the policy, the commands. */
export function LogExplainer({ witnesses }: { witnesses: readonly Witness[] | undefined }) {
  const vkey = useAsync(getLogVerifierKey, []);
  const logUrl = `${window.location.origin}/log/`;
  return (
    <section aria-labelledby="log-proves-heading" className="card" data-testid="log-explainer">
      <h2 id="log-proves-heading">{t('log.provesTitle')}</h2>
      <p>{t('log.provesCommitted')}</p>
      <p>{t('log.provesNoRewrite')}</p>
      <p>{t('log.provesWitnesses')}</p>
      <h3>{t('log.checkYourself')}</h3>
      {vkey.status === 'done' && (
        <dl className="facts">
          <dt>{t('log.origin')}</dt>
          <dd className="mono" data-testid="log-origin">
            {vkeyName(vkey.data)}
          </dd>
          <dt>{t('log.verifierKey')}</dt>
          <dd className="mono hash">{vkey.data}</dd>
        </dl>
      )}
      <p>{t('log.checkYourselfHint')}</p>
      {vkey.status === 'done' && (
        <pre
          className="mono receipt-text"
          tabIndex={0}
          aria-label={t('log.auditCommands')}
          data-testid="audit-commands"
        >
          {auditScript(logUrl, vkey.data, witnesses ?? [])}
        </pre>
      )}
    </section>
  );
}
