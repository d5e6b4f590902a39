import type { EscalationLadder, Guarantee } from '../api/types.js';
import { formatDate, humanise, t } from '../i18n/index.js';

type Names = Map<string, string>;
const nameOf = (names: Names, id: string) => names.get(id) ?? id;

/** The response ladder, rung by rung: what triggers it, who decides by when, and what a timeout does. */
export function LadderView({ ladder, names }: { ladder: EscalationLadder; names: Names }) {
  return (
    <section className="ladder" aria-labelledby={`ladder-${ladder.id}`}>
      <h3 id={`ladder-${ladder.id}`}>{ladder.name}</h3>
      <ol className="rungs" data-testid="ladder">
        {ladder.rungs.map((rung, i) => (
          <li key={rung.id} className="rung">
            <div className="rung-step" aria-hidden="true">
              {i + 1}
            </div>
            <div className="rung-body">
              <div className="rung-head">
                <p className="card-title">{rung.name}</p>
                <span className="tag tag-deadline">{t('ladder.within', { deadline: rung.deadline })}</span>
              </div>
              <p>{rung.trigger.description}</p>
              <dl className="facts facts-2col">
                <dt>{t('ladder.actors')}</dt>
                <dd>{rung.actors.map((a) => nameOf(names, a)).join(', ')}</dd>
                <dt>{t('ladder.action')}</dt>
                <dd>{humanise(rung.action)}</dd>
                <dt>{t('ladder.rule')}</dt>
                <dd>{humanise(rung.decision_rule)}</dd>
                <dt>{t('ladder.onTimeout')}</dt>
                <dd>
                  {rung.on_timeout.action === 'escalate' && rung.on_timeout.to
                    ? t('ladder.escalateTo', {
                        rung:
                          ladder.rungs.find((r) => r.id === rung.on_timeout.to)?.name ?? rung.on_timeout.to,
                      })
                    : humanise(rung.on_timeout.action)}
                </dd>
              </dl>
              {rung.record_failure_to_act && <p className="note">{t('ladder.recordsInaction')}</p>}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A guarantee: who guarantees what to whom, its legal form, and how far ratification has come. */
export function GuaranteeView({ guarantee, names }: { guarantee: Guarantee; names: Names }) {
  const steps = guarantee.ratification.steps ?? [];
  return (
    <section className="card guarantee" aria-labelledby={`g-${guarantee.id}`} data-testid="guarantee">
      <h3 id={`g-${guarantee.id}`}>{guarantee.name}</h3>
      <dl className="facts">
        <dt>{t('guarantee.guarantors')}</dt>
        <dd>{guarantee.guarantors.map((g) => nameOf(names, g)).join(', ')}</dd>
        <dt>{t('guarantee.beneficiary')}</dt>
        <dd>{nameOf(names, guarantee.beneficiary)}</dd>
        <dt>{t('guarantee.legalForm')}</dt>
        <dd>{humanise(guarantee.legal_form)}</dd>
        {guarantee.obligation_strength && (
          <>
            <dt>{t('guarantee.strength')}</dt>
            <dd>{guarantee.obligation_strength}</dd>
          </>
        )}
        <dt>{t('guarantee.ratification')}</dt>
        <dd>
          <span
            className={`status status-${guarantee.ratification.status}`}
            data-testid="ratification-status"
          >
            {humanise(guarantee.ratification.status)}
          </span>
        </dd>
      </dl>
      {steps.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption>{t('guarantee.steps')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('guarantee.body')}</th>
                <th scope="col">{t('guarantee.stepKind')}</th>
                <th scope="col">{t('guarantee.stepStatus')}</th>
                <th scope="col">{t('guarantee.due')}</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.body} <span className="muted">({nameOf(names, s.actor)})</span>
                  </td>
                  <td>{humanise(s.kind)}</td>
                  <td>
                    <span className={`status status-${s.status}`}>{humanise(s.status)}</span>
                    {s.completed_on && <span className="muted"> {formatDate(s.completed_on)}</span>}
                  </td>
                  <td>{s.due ? (/^\d{4}-\d{2}-\d{2}$/.test(s.due) ? formatDate(s.due) : s.due) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <details>
        <summary>{t('guarantee.conditions')}</summary>
        <h4>{t('guarantee.activation')}</h4>
        <ul>
          {guarantee.activation.map((c) => (
            <li key={c.id}>{c.description}</li>
          ))}
        </ul>
        {guarantee.void && guarantee.void.length > 0 && (
          <>
            <h4>{t('guarantee.void')}</h4>
            <ul>
              {guarantee.void.map((c) => (
                <li key={c.id}>{c.description}</li>
              ))}
            </ul>
          </>
        )}
        <h4>{t('guarantee.responses')}</h4>
        <ul>
          {guarantee.responses.map((r) => (
            <li key={r.id}>
              {humanise(r.category)} — {nameOf(names, r.owner)}
              {r.automatic ? ` · ${t('guarantee.automatic')}` : ''}
              {r.description ? `: ${r.description}` : ''}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
