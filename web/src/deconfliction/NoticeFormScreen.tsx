import { useMemo, useState } from 'react';
import { ApiError, type FieldProblem } from '../api/client.js';
import { NOTICE_KINDS, SITE_FUNCTIONS, submitNotice, type NotificationObligation } from '../api/notices.js';
import { useAgreement, useZones } from '../agreement/useAgreement.js';
import { useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { humanise, t } from '../i18n/index.js';
import { formatLonLat } from '../lib/position.js';
import { MapView } from '../map/MapView.js';
import { boundsOf, styleZones } from '../map/overlays.js';
import { Field, FieldErrors } from '../reports/form/Field.js';
import { NumberField, TimePair } from './fields.js';
import {
  detailFields,
  draftFeatures,
  EMPTY_DRAFT,
  kindFor,
  toInput,
  type NoticeDraft,
} from './noticeDraft.js';

/** Field paths the form shows beside a field; any other problem is listed above the form. */
const SHOWN = [
  '/obligation',
  '/subject',
  '/kind',
  '/emergency',
  '/site',
  '/route',
  '/departure',
  '/arrival',
  '/window',
  '/altitude',
  '/validFrom',
  '/validUntil',
  '/details',
];

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * A new notice under one of the agreement's notification obligations my organisation notifies under:
 * a site picked on the map, or a route drawn on it point by point with its corridor; the windows;
 * the obligation's required details. The server's problems are shown beside their fields.
 */
export default function NoticeFormScreen() {
  const session = useSession();
  const { navigate } = useRouter();
  const agreement = useAgreement();
  const zones = useZones();
  const [draft, setDraft] = useState<NoticeDraft>(EMPTY_DRAFT);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<NoticeDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const a = agreement.data?.agreement;
  const org = session.me?.organisation;
  const obligations = useMemo(() => {
    if (!a || !org) return [];
    const actsFor = (actor: string) =>
      org.id === actor || (org.kind === 'commission' && a.verification_bodies.some((b) => b.id === actor));
    return (a.notification_obligations ?? []).filter((o) => o.from.some(actsFor));
  }, [a, org]);
  const obligation: NotificationObligation | undefined = obligations.find((o) => o.id === draft.obligation);
  const styledZones = useMemo(() => styleZones(zones.data ?? null), [zones.data]);
  const fitTo = useMemo(() => boundsOf(styledZones.collection), [styledZones.collection]);
  const drawn = useMemo(() => draftFeatures(draft), [draft]);

  const errorsFor = (...paths: string[]) =>
    problems.filter((p) => paths.some((path) => under(p.path, path))).map((p) => p.reason);
  const unplaced = problems.filter((p) => !SHOWN.some((path) => under(p.path, path)));

  const pickObligation = (id: string) => {
    const o = obligations.find((x) => x.id === id);
    set({ obligation: id, subject: o?.subjects[0] ?? '', kind: o ? kindFor(o) : draft.kind, details: {} });
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    setProblems([]);
    try {
      const done = await submitNotice(toInput(draft, obligation));
      navigate(`/deconfliction/notices/${encodeURIComponent(done.notice.id)}`);
    } catch (err) {
      if (err instanceof ApiError) setProblems(err.errors);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (agreement.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (agreement.status === 'failed') return <Problem error={agreement.error} />;

  const routeKind = draft.kind !== 'site';
  return (
    <section className="page notice-form">
      <div className="page-head">
        <h1>{t('noticeForm.title')}</h1>
      </div>
      <p className="lede">{t('noticeForm.lede')}</p>
      {obligations.length === 0 && (
        <p className="notice notice-warn" data-testid="no-obligations">
          {t('noticeForm.noObligations')}
        </p>
      )}
      {error !== null && (
        <div data-testid="form-problem">
          {unplaced.length > 0 || problems.length === 0 ? (
            <Problem error={error} />
          ) : (
            <p className="notice notice-error" role="alert">
              {t('noticeForm.fixFields', { count: problems.length })}
            </p>
          )}
        </div>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset className="form-section">
          <legend>{t('noticeForm.what')}</legend>
          <Field id="nf-obligation" label={t('noticeForm.obligation')} errors={errorsFor('/obligation')}>
            <select value={draft.obligation} onChange={(e) => pickObligation(e.target.value)}>
              <option value="">{t('noticeForm.choose')}</option>
              {obligations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.id} — {o.subjects.map(humanise).join(', ')}
                </option>
              ))}
            </select>
          </Field>
          {obligation && (
            <p className="hint" data-testid="obligation-terms">
              {t('noticeForm.terms', {
                to: obligation.to.join(', '),
                lead: obligation.lead_time,
                emergency: obligation.emergency_lead_time ?? '—',
                ack: obligation.acknowledgement.within ?? '—',
              })}
              {obligation.kind === 'permission_request' ? ` ${t('noticeForm.permission')}` : ''}
            </p>
          )}
          <div className="field-row">
            <Field id="nf-subject" label={t('noticeForm.subject')} errors={errorsFor('/subject')}>
              <select value={draft.subject} onChange={(e) => set({ subject: e.target.value })}>
                {(obligation?.subjects ?? []).map((s) => (
                  <option key={s} value={s}>
                    {humanise(s)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="nf-kind" label={t('noticeForm.kind')} errors={errorsFor('/kind')}>
              <select
                value={draft.kind}
                onChange={(e) => set({ kind: e.target.value as NoticeDraft['kind'] })}
              >
                {NOTICE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`noticeKind.${k}`)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <label className="toggle">
            <input
              type="checkbox"
              name="emergency"
              checked={draft.emergency}
              onChange={(e) => set({ emergency: e.target.checked })}
            />
            {t('noticeForm.emergency')}
          </label>
          <FieldErrors errors={errorsFor('/emergency')} id="nf-emergency-errors" />
        </fieldset>

        <fieldset className="form-section">
          <legend>{routeKind ? t('noticeForm.route') : t('noticeForm.site')}</legend>
          <p className="hint">{routeKind ? t('noticeForm.routeHint') : t('noticeForm.siteHint')}</p>
          <FieldErrors
            errors={problems
              .filter((p) =>
                routeKind
                  ? p.path === '/route' || under(p.path, '/route/coordinates')
                  : p.path === '/site' || under(p.path, '/site/lon') || under(p.path, '/site/lat'),
              )
              .map((p) => p.reason)
              .slice(0, 5)}
            id="nf-geometry-errors"
          />
          <MapView
            label={routeKind ? t('noticeForm.routeMap') : t('noticeForm.siteMap')}
            className="map-pick"
            zones={styledZones.collection}
            fitTo={fitTo}
            draft={drawn}
            onPick={(p) =>
              routeKind ? setDraft((d) => ({ ...d, route: [...d.route, p] })) : set({ site: p })
            }
          />
          {routeKind ? (
            <>
              <p className="picked" data-testid="route-points">
                {t('noticeForm.points', { count: draft.route.length })}
              </p>
              <div className="button-row">
                <button
                  type="button"
                  className="button"
                  disabled={draft.route.length === 0}
                  onClick={() => set({ route: draft.route.slice(0, -1) })}
                >
                  {t('noticeForm.undoPoint')}
                </button>
                <button
                  type="button"
                  className="button"
                  disabled={draft.route.length === 0}
                  onClick={() => set({ route: [] })}
                >
                  {t('noticeForm.clearRoute')}
                </button>
              </div>
              <NumberField
                id="nf-corridor"
                label={t('noticeForm.corridor')}
                value={draft.corridorM}
                errors={errorsFor('/route/corridorM')}
                onChange={(v) => set({ corridorM: v })}
              />
            </>
          ) : (
            <>
              {draft.site && (
                <p className="picked" data-testid="picked-site">
                  {formatLonLat(draft.site)}
                </p>
              )}
              <div className="field-row">
                <NumberField
                  id="nf-precision"
                  label={t('noticeForm.precision')}
                  value={draft.precisionM}
                  errors={errorsFor('/site/precisionM')}
                  onChange={(v) => set({ precisionM: v })}
                />
                <Field id="nf-function" label={t('noticeForm.function')} errors={errorsFor('/site/function')}>
                  <select
                    value={draft.siteFunction}
                    onChange={(e) => set({ siteFunction: e.target.value as NoticeDraft['siteFunction'] })}
                  >
                    {SITE_FUNCTIONS.map((f) => (
                      <option key={f} value={f}>
                        {humanise(f)}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field id="nf-name" label={t('noticeForm.siteName')} errors={errorsFor('/site/name')}>
                  <input value={draft.siteName} onChange={(e) => set({ siteName: e.target.value })} />
                </Field>
              </div>
            </>
          )}
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('noticeForm.when')}</legend>
          <p className="hint">{t('noticeForm.whenHint')}</p>
          {draft.kind === 'movement' && (
            <>
              <TimePair
                id="nf-departure"
                label={t('noticeForm.departure')}
                from={draft.departureFrom}
                to={draft.departureTo}
                errors={[errorsFor('/departure/from'), errorsFor('/departure/to'), errorsFor('/departure')]}
                onChange={(from, to) => set({ departureFrom: from, departureTo: to })}
              />
              <TimePair
                id="nf-arrival"
                label={t('noticeForm.arrival')}
                from={draft.arrivalFrom}
                to={draft.arrivalTo}
                errors={[errorsFor('/arrival/from'), errorsFor('/arrival/to'), errorsFor('/arrival')]}
                onChange={(from, to) => set({ arrivalFrom: from, arrivalTo: to })}
              />
            </>
          )}
          {draft.kind === 'flight' && (
            <>
              <TimePair
                id="nf-window"
                label={t('noticeForm.window')}
                from={draft.windowFrom}
                to={draft.windowTo}
                errors={[errorsFor('/window/from'), errorsFor('/window/to'), errorsFor('/window')]}
                onChange={(from, to) => set({ windowFrom: from, windowTo: to })}
              />
              <div className="field-row">
                <NumberField
                  id="nf-alt-min"
                  label={t('noticeForm.altitudeMin')}
                  value={draft.altitudeMin}
                  errors={errorsFor('/altitude/minM')}
                  onChange={(v) => set({ altitudeMin: v })}
                />
                <NumberField
                  id="nf-alt-max"
                  label={t('noticeForm.altitudeMax')}
                  value={draft.altitudeMax}
                  errors={problems
                    .filter((p) => p.path === '/altitude' || under(p.path, '/altitude/maxM'))
                    .map((p) => p.reason)}
                  onChange={(v) => set({ altitudeMax: v })}
                />
              </div>
            </>
          )}
          {draft.kind === 'site' && (
            <TimePair
              id="nf-valid"
              label={t('noticeForm.validity')}
              from={draft.validFrom}
              to={draft.validUntil}
              errors={[errorsFor('/validFrom'), errorsFor('/validUntil'), []]}
              onChange={(from, to) => set({ validFrom: from, validUntil: to })}
            />
          )}
        </fieldset>

        {detailFields(obligation).length > 0 && (
          <fieldset className="form-section">
            <legend>{t('noticeForm.details')}</legend>
            <p className="hint">{t('noticeForm.detailsHint')}</p>
            {detailFields(obligation).map((f) => (
              <Field key={f} id={`nf-detail-${f}`} label={humanise(f)} errors={errorsFor(`/details/${f}`)}>
                <input
                  value={draft.details[f] ?? ''}
                  onChange={(e) => set({ details: { ...draft.details, [f]: e.target.value } })}
                />
              </Field>
            ))}
            <FieldErrors
              errors={problems
                .filter(
                  (p) =>
                    under(p.path, '/details') &&
                    !detailFields(obligation).some((f) => under(p.path, `/details/${f}`)),
                )
                .map((p) => p.reason)}
              id="nf-details-errors"
            />
          </fieldset>
        )}

        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy || !draft.obligation}>
            {t('noticeForm.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
