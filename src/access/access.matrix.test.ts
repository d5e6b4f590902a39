import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { consoleActor } from './audit.service.js';
import { sampleInput } from '../../test/support/app.js';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { insertCase } from '../response/case.repository.js';
import { ROLES_BY_KIND, type OrganisationKind, type Role } from './policy.js';

/**
 * Every endpoint × every role in every kind of organisation, plus the anonymous public: who is allowed
 * and who is refused. The expectations are written out here, independently of policy.ts, so a change
 * to the policy that widens access fails this test until someone decides it on purpose.
 */
type Who = { role: Role | null; kind: OrganisationKind | null };
const signedIn = (w: Who) => w.role !== null;
const admin = (w: Who) => w.role === 'admin';
/**
 * Who may read reports at all (which ones, the markings then decide): the roles that work with them,
 * and the anonymous public, which sees CLEAR reports only.
 */
const readsReports = (w: Who) =>
  w.role === null || ['admin', 'monitor', 'analyst', 'commissioner', 'liaison', 'guarantor'].includes(w.role);
/**
 * Reading the GREEN fixture report and its evidence: the anonymous public may read reports, but the
 * marking hides this one, which answers as a report that does not exist.
 */
const readsFixture = (w: Who): Expectation => (w.role === null ? 'hidden' : readsReports(w));
/** Sources may be confidential (a party's informants): only the commission's verifiers list and grade them. */
const managesSources = (w: Who) => w.kind === 'commission' && (w.role === 'analyst' || w.role === 'admin');
/** Who files reports: monitors of any kind of organisation, and the parties' liaison officers. */
const filesReports = (w: Who) => w.role === 'monitor' || w.role === 'liaison';
/** Evidence of the commission's report: only the commission's own monitors may add to it or move it. */
const handlesCommissionEvidence = (w: Who) => w.role === 'monitor' && w.kind === 'commission';

/**
 * The fixture case is at rung 2 (actor MVC): the commission and the beneficiary (UA) read it; any
 * other organisation and the public cannot learn it exists (404).
 */
const readsCase = (w: Who): Expectation =>
  w.role !== null && (w.kind === 'commission' || w.kind === 'party') ? true : 'hidden';
/**
 * Deciding on it: the commission's analysts and commissioners act for the MVC; a party's
 * commissioner reads it but is no actor on the rung (not-an-actor); a guarantor's cannot see it.
 */
const decidesCase = (w: Who): Expectation => {
  if (!['analyst', 'commissioner', 'guarantor'].includes(w.role ?? '')) return false;
  return w.kind === 'commission' ? true : w.kind === 'party' ? 'rule' : 'hidden';
};

/**
 * The fixture pledge is the US's, AMBER, addressed to the other guarantor (EUC): the US's own users and
 * the commission read it; parties, humanitarian organisations and the public cannot learn it exists.
 */
const readsAmberPledge = (w: Who): Expectation =>
  w.kind === 'guarantor' || w.kind === 'commission' ? true : 'hidden';
/** Each organisation subscribes its own webhooks: its administrator, liaison, guarantor or humanitarian officer. */
const managesWebhooks = (w: Who) =>
  w.role === 'admin' || w.role === 'liaison' || w.role === 'guarantor' || w.role === 'humanitarian';

/**
 * Who reads incidents at all (which ones, the markings then decide): the commission's administrators
 * and analysts, and commissioners (the verification body's members).
 */
const readsIncidents = (w: Who) => w.role === 'admin' || w.role === 'analyst' || w.role === 'commissioner';
/**
 * The fixture incident is the commission's, addressed to the body's voting members (US and EUC in the
 * illustrative agreement): a party's commissioner, whose organisation only observes, does not see it.
 */
const readsFixtureIncident = (w: Who): Expectation =>
  !readsIncidents(w) ? false : w.kind === 'party' ? 'hidden' : true;
/** Only the commission's analysts group, review, conclude and attribute incidents and put findings to the vote. */
const verifies = (w: Who) => w.role === 'analyst' && w.kind === 'commission';
/**
 * The unpublished fixture finding is read by the commission and the body's voting members (the
 * guarantor US here); any other organisation and the public cannot learn it exists (404).
 */
const readsUnpublishedFinding = (w: Who): Expectation =>
  w.kind === 'commission' || w.kind === 'guarantor' ? true : 'hidden';
/**
 * Commissioners vote: the guarantor's (US holds seats) are allowed; the commission's see the finding
 * but hold no seat (refused by the rule not-a-voting-member); a party's, an observer, cannot see it.
 */
const votes = (w: Who): Expectation =>
  w.role !== 'commissioner' ? false : w.kind === 'guarantor' ? true : w.kind === 'party' ? 'hidden' : 'rule';

/** Who works the hotline: the commission's analysts, the parties' liaison officers, guarantors. */
const usesHotline = (w: Who) => w.role === 'analyst' || w.role === 'liaison' || w.role === 'guarantor';
/**
 * The fixture channel joins UA and RU: the commission and UA's liaison see it (and record its status);
 * a guarantor not a member cannot learn it exists.
 */
const readsPartiesChannel = (w: Who): Expectation =>
  !usesHotline(w) ? false : w.kind === 'commission' || w.kind === 'party' ? true : 'hidden';
/**
 * The fixture escalation involves UA and RU: the commission and the parties read it; a guarantor, a
 * humanitarian organisation or the public cannot learn it exists.
 */
const readsPartiesEscalation = (w: Who): Expectation =>
  w.role === null ? false : w.kind === 'commission' || w.kind === 'party' ? true : 'hidden';
/**
 * Resolving needs notices:respond and the commission: a party involved sees it but is refused (403);
 * an organisation not involved cannot learn it exists (404).
 */
const resolvesEscalation = (w: Who): Expectation =>
  w.role === null || !['analyst', 'liaison', 'guarantor', 'humanitarian'].includes(w.role)
    ? false
    : w.kind === 'commission'
      ? true
      : w.kind === 'party'
        ? false
        : 'hidden';

/** Who may submit notices (an obligation must still name their organisation as a notifier). */
const submitsNotices = (w: Who) =>
  w.role === 'analyst' || w.role === 'liaison' || w.role === 'guarantor' || w.role === 'humanitarian';
/** Who may answer copies addressed to their organisation. */
const answersNotices = submitsNotices;
/**
 * Submitting a notice of one's own: the commission (monitoring flights), the parties (holding areas)
 * and the humanitarian organisation (sites) notify; no obligation names the guarantor (422).
 */
const notifies = (w: Who): Expectation =>
  !submitsNotices(w) ? false : w.kind === 'guarantor' ? 'invalid' : true;
/**
 * The fixture notice: OCHA's hospital, addressed to UA, RU and the commission. Its notifier and its
 * addressees read it; a guarantor and the public cannot learn it exists.
 */
const readsFixtureNotice = (w: Who): Expectation =>
  w.role === null ? false : w.kind === 'guarantor' || w.kind === 'public' ? 'hidden' : true;
/** Only the notifier changes a notice; anyone else who may submit cannot learn it exists. */
const changesFixtureNotice = (w: Who): Expectation =>
  !submitsNotices(w) ? false : w.kind === 'humanitarian' ? true : 'hidden';
/** Only its addressees answer a copy; the notifier and others cannot find one addressed to them. */
const answersFixtureNotice = (w: Who): Expectation =>
  !answersNotices(w) ? false : w.kind === 'commission' || w.kind === 'party' ? true : 'hidden';

/**
 * Allowed (true), refused by the policy (false: 401 or 403), allowed but hidden by a marking (404), or
 * allowed by the policy but refused by a rule of the workflow (409).
 */
type Expectation = boolean | 'hidden' | 'rule' | 'invalid';

interface Case {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The route as OpenAPI names it. */
  route: string;
  allowed: (who: Who) => Expectation;
  request: (ctx: {
    t: TestApp;
    userId: string;
    token: string;
    n: number;
    /** Whether this caller is expected to succeed: such callers get records of their own to act on. */
    succeeds: boolean;
  }) => Promise<{ url: string; payload?: object | string; contentType?: string }>;
}

const CASES: Case[] = [
  {
    method: 'GET',
    route: '/api/v1/me',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/me' }),
  },
  {
    method: 'POST',
    route: '/api/v1/auth/logout',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/auth/logout' }),
  },
  {
    method: 'PUT',
    route: '/api/v1/me/password',
    allowed: signedIn,
    request: () =>
      Promise.resolve({
        url: '/api/v1/me/password',
        payload: { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD },
      }),
  },
  {
    method: 'GET',
    route: '/api/v1/organisations',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/organisations' }),
  },
  {
    method: 'GET',
    route: '/api/v1/organisations/{id}',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/organisations/UA' }),
  },
  {
    method: 'POST',
    route: '/api/v1/organisations',
    allowed: admin,
    request: ({ n }) =>
      Promise.resolve({ url: '/api/v1/organisations', payload: { name: `NGO ${n}`, kind: 'humanitarian' } }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/organisations/{id}',
    allowed: admin,
    request: ({ n }) =>
      Promise.resolve({ url: '/api/v1/organisations/OCHA', payload: { name: `Humanitarian Office ${n}` } }),
  },
  {
    method: 'GET',
    route: '/api/v1/users',
    allowed: admin,
    request: () => Promise.resolve({ url: '/api/v1/users' }),
  },
  {
    method: 'GET',
    route: '/api/v1/users/{id}',
    allowed: admin,
    request: async ({ t }) => ({
      url: `/api/v1/users/${(await t.services.users.list()).find((u) => u.username === 'admin')?.id ?? ''}`,
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/users',
    allowed: admin,
    request: ({ n }) =>
      Promise.resolve({
        url: '/api/v1/users',
        payload: { organisationId: 'UA', username: `new-${n}`, roles: ['observer'], password: TEST_PASSWORD },
      }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/users/{id}',
    allowed: admin,
    request: async ({ t }) => ({
      url: `/api/v1/users/${(await t.services.users.list()).find((u) => u.username === 'admin')?.id ?? ''}`,
      payload: { displayName: 'Administrator' },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/tokens',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/tokens' }),
  },
  {
    method: 'POST',
    route: '/api/v1/tokens',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/tokens', payload: { name: 'extra' } }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/tokens/{id}',
    allowed: signedIn,
    request: async ({ t, userId }) => {
      // Each signed-in user revokes a token of its own; the anonymous caller tries the admin's.
      const owner = userId || ((await t.services.users.list()).find((u) => u.username === 'admin')?.id ?? '');
      const { token } = await t.services.tokens.create(CONSOLE_ACTOR, { userId: owner, name: 'to revoke' });
      return { url: `/api/v1/tokens/${token.id}` };
    },
  },
  {
    method: 'GET',
    route: '/api/v1/access-events',
    allowed: admin,
    request: () => Promise.resolve({ url: '/api/v1/access-events' }),
  },
  {
    method: 'POST',
    route: '/api/v1/agreement',
    allowed: admin,
    request: () =>
      Promise.resolve({
        url: '/api/v1/agreement?marking=CLEAR',
        payload: ILLUSTRATIVE,
        contentType: 'application/yaml',
      }),
  },
  {
    method: 'POST',
    route: '/api/v1/agreement/validate',
    // Signed-in users only: checking a file costs CPU (security A5).
    allowed: signedIn,
    request: () =>
      Promise.resolve({
        url: '/api/v1/agreement/validate',
        payload: ILLUSTRATIVE,
        contentType: 'application/yaml',
      }),
  },
  {
    method: 'GET',
    route: '/api/v1/agreement',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/agreement' }),
  },
  {
    method: 'GET',
    route: '/api/v1/agreement/versions',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/agreement/versions' }),
  },
  {
    method: 'GET',
    route: '/api/v1/agreement/schema',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/agreement/schema' }),
  },
  {
    method: 'GET',
    route: '/api/v1/agreement/zones',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/agreement/zones' }),
  },
  {
    method: 'GET',
    route: '/api/v1/agreement/negotiation',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/agreement/negotiation' }),
  },
  {
    method: 'GET',
    route: '/api/v1/agreement/versions/{id}/commitment',
    allowed: () => true,
    request: () => Promise.resolve({ url: `/api/v1/agreement/versions/${DEMO_VERSION}/commitment` }),
  },
  {
    method: 'GET',
    route: '/api/v1/agreement/diff',
    allowed: () => true,
    request: () => Promise.resolve({ url: `/api/v1/agreement/diff?from=${DEMO_VERSION}&to=${DEMO_VERSION}` }),
  },
  {
    method: 'GET',
    route: '/api/v1/log/entries/{index}',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/log/entries/0' }),
  },
  {
    method: 'GET',
    route: '/api/v1/log/entries/{index}/receipt',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/log/entries/0/receipt' }),
  },
  {
    method: 'GET',
    route: '/api/v1/log/checkpoints',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/log/checkpoints' }),
  },
  {
    method: 'GET',
    route: '/api/v1/log/commitments/{recordKind}/{recordId}',
    // The salts of the GREEN fixture report: for those who read reports; to anyone else it does not exist.
    allowed: (w) => (w.role !== null && readsReports(w) ? true : 'hidden'),
    request: () => Promise.resolve({ url: `/api/v1/log/commitments/report/${fx.reportId}` }),
  },
  {
    method: 'GET',
    route: '/api/v1/log/witnesses',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/log/witnesses' }),
  },
  {
    method: 'GET',
    route: '/api/v1/places',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/places?bbox=37,47,39,49' }),
  },
  {
    method: 'GET',
    route: '/api/v1/basemap',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/basemap' }),
  },
  {
    method: 'GET',
    route: '/api/v1/overview',
    // Everyone, the public included: the markings shape each figure (restricted counts only in bands).
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/overview?days=30' }),
  },
  {
    method: 'POST',
    route: '/api/v1/reports',
    allowed: filesReports,
    request: ({ n }) =>
      Promise.resolve({ url: '/api/v1/reports', payload: reportInput({ externalId: `matrix-${n}` }) }),
  },
  {
    method: 'GET',
    route: '/api/v1/reports',
    allowed: readsReports,
    request: () => Promise.resolve({ url: '/api/v1/reports' }),
  },
  {
    method: 'GET',
    route: '/api/v1/reports/{id}',
    allowed: readsFixture,
    request: () => Promise.resolve({ url: `/api/v1/reports/${fx.reportId}` }),
  },
  {
    method: 'GET',
    route: '/api/v1/report-sources',
    allowed: managesSources,
    request: () => Promise.resolve({ url: '/api/v1/report-sources' }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/report-sources/{id}',
    allowed: managesSources,
    request: () =>
      Promise.resolve({ url: `/api/v1/report-sources/${fx.sourceId}`, payload: { reliability: 'B' } }),
  },
  {
    method: 'PUT',
    route: '/api/v1/grading-ceilings/{id}',
    allowed: admin,
    request: () =>
      Promise.resolve({ url: `/api/v1/grading-ceilings/${fx.ceilingUserId}`, payload: { ceiling: 'C3' } }),
  },
  {
    method: 'GET',
    route: '/api/v1/reports/{id}/evidence',
    allowed: readsFixture,
    request: () => Promise.resolve({ url: `/api/v1/reports/${fx.reportId}/evidence` }),
  },
  {
    method: 'POST',
    route: '/api/v1/reports/{id}/evidence',
    allowed: handlesCommissionEvidence,
    request: ({ n }) =>
      Promise.resolve({
        url: `/api/v1/reports/${fx.reportId}/evidence`,
        payload: evidenceInput(`declared ${n}`),
      }),
  },
  {
    method: 'PUT',
    route: '/api/v1/reports/{id}/evidence/{sha256}',
    allowed: handlesCommissionEvidence,
    request: async ({ t, n }) => {
      // A declaration of its own for each caller, made by the commission's monitor, bytes to follow.
      const content = `uploaded later ${n}`;
      const declared = await t.app.inject({
        method: 'POST',
        url: `/api/v1/reports/${fx.reportId}/evidence`,
        headers: { authorization: `Bearer ${fx.monitorToken}` },
        payload: evidenceInput(content, false),
      });
      if (declared.statusCode !== 201) throw new Error(`declaring evidence: ${declared.body}`);
      return {
        url: `/api/v1/reports/${fx.reportId}/evidence/${sha256(content)}`,
        payload: content,
        contentType: 'text/plain',
      };
    },
  },
  {
    method: 'GET',
    route: '/api/v1/evidence/{id}/content',
    allowed: readsFixture,
    request: () => Promise.resolve({ url: `/api/v1/evidence/${fx.evidenceId}/content` }),
  },
  {
    method: 'GET',
    route: '/api/v1/evidence/{id}/custody',
    allowed: readsFixture,
    request: () => Promise.resolve({ url: `/api/v1/evidence/${fx.evidenceId}/custody` }),
  },
  {
    method: 'POST',
    route: '/api/v1/evidence/{id}/handover',
    allowed: handlesCommissionEvidence,
    request: ({ n }) =>
      Promise.resolve({
        url: `/api/v1/evidence/${fx.evidenceId}/handover`,
        payload: { to: `evidence room ${n}` },
      }),
  },
  {
    method: 'POST',
    route: '/api/v1/evidence/{id}/derived',
    allowed: handlesCommissionEvidence,
    request: ({ n }) =>
      Promise.resolve({
        url: `/api/v1/evidence/${fx.evidenceId}/derived`,
        payload: {
          contentBase64: Buffer.from(`redacted ${n}`).toString('base64'),
          filename: 'redacted.txt',
          mediaType: 'text/plain',
          derivation: 'faces blurred',
        },
      }),
  },
  {
    method: 'GET',
    route: '/api/v1/incidents',
    allowed: readsIncidents,
    request: () => Promise.resolve({ url: '/api/v1/incidents?status=reported,under_review,verified' }),
  },
  {
    method: 'GET',
    route: '/api/v1/incidents/next',
    allowed: verifies,
    request: () => Promise.resolve({ url: '/api/v1/incidents/next' }),
  },
  {
    method: 'GET',
    route: '/api/v1/incidents/{id}',
    allowed: readsFixtureIncident,
    request: () => Promise.resolve({ url: `/api/v1/incidents/${fx.incidentId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/incidents/{id}/transitions',
    allowed: verifies,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/incidents/${succeeds ? (await freshIncident(t)).id : fx.openIncidentId}/transitions`,
      payload: { to: 'under_review', reason: 'taking it' },
    }),
  },
  {
    method: 'PUT',
    route: '/api/v1/incidents/{id}/attribution',
    allowed: verifies,
    request: () =>
      Promise.resolve({
        url: `/api/v1/incidents/${fx.openIncidentId}/attribution`,
        payload: { party: 'RU', confidence: 'possible', method: 'direction of fire' },
      }),
  },
  {
    method: 'PATCH',
    route: '/api/v1/incidents/{id}',
    allowed: verifies,
    request: () =>
      Promise.resolve({ url: `/api/v1/incidents/${fx.openIncidentId}`, payload: { provisions: ['P-02'] } }),
  },
  {
    method: 'POST',
    route: '/api/v1/incidents/{id}/split',
    allowed: verifies,
    request: async ({ t, succeeds }) => {
      const incident = succeeds ? await freshIncident(t, 2) : { id: fx.openIncidentId, reportIds: ['any'] };
      return {
        url: `/api/v1/incidents/${incident.id}/split`,
        payload: { reportIds: incident.reportIds.slice(0, 1), reason: 'two events' },
      };
    },
  },
  {
    method: 'POST',
    route: '/api/v1/incidents/{id}/merge',
    allowed: verifies,
    request: async ({ t, succeeds }) => {
      const [into, from] = succeeds
        ? [(await freshIncident(t)).id, (await freshIncident(t)).id]
        : [fx.openIncidentId, fx.incidentId];
      return {
        url: `/api/v1/incidents/${into}/merge`,
        payload: { incidentIds: [from], reason: 'one event' },
      };
    },
  },
  {
    method: 'POST',
    route: '/api/v1/incidents/{id}/findings',
    allowed: verifies,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/incidents/${succeeds ? await concludedIncident(t) : fx.incidentId}/findings`,
      payload: { summary: 'Shelling near Horlivka.' },
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/correlation',
    allowed: verifies,
    request: () => Promise.resolve({ url: '/api/v1/correlation' }),
  },
  {
    method: 'GET',
    route: '/api/v1/findings',
    // Every caller may list findings; the markings decide which (see the leak test below).
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/findings' }),
  },
  {
    method: 'GET',
    route: '/api/v1/findings/{id}',
    allowed: readsUnpublishedFinding,
    request: () => Promise.resolve({ url: `/api/v1/findings/${fx.findingId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/findings/{id}/votes',
    allowed: votes,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/findings/${succeeds ? await findingInVote(t) : fx.findingId}/votes`,
      payload: { choice: 'for' },
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/findings/{id}/close',
    allowed: verifies,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/findings/${succeeds ? await findingInVote(t) : fx.findingId}/close`,
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/findings/{id}/publish',
    allowed: verifies,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/findings/${succeeds ? await adoptedFinding(t) : fx.findingId}/publish`,
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/escalations',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/escalations' }),
  },
  {
    method: 'GET',
    route: '/api/v1/escalations/{id}',
    allowed: readsPartiesEscalation,
    request: () => Promise.resolve({ url: `/api/v1/escalations/${fx.escalationId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/escalations/{id}/resolve',
    allowed: resolvesEscalation,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/escalations/${succeeds ? await freshEscalation(t) : fx.escalationId}/resolve`,
      payload: { resolution: 'both parties called' },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/hotline/channels',
    allowed: usesHotline,
    request: () => Promise.resolve({ url: '/api/v1/hotline/channels' }),
  },
  {
    method: 'POST',
    route: '/api/v1/hotline/channels',
    allowed: verifies,
    request: ({ n }) =>
      Promise.resolve({
        url: '/api/v1/hotline/channels',
        payload: { name: `line ${n}`, members: ['UA', 'RU'] },
      }),
  },
  {
    method: 'GET',
    route: '/api/v1/hotline/channels/{id}',
    allowed: readsPartiesChannel,
    request: () => Promise.resolve({ url: `/api/v1/hotline/channels/${fx.channelId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/hotline/channels/{id}/status',
    allowed: readsPartiesChannel,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/hotline/channels/${succeeds ? await freshChannel(t) : fx.channelId}/status`,
      payload: { status: 'suspended', cause: 'line cut' },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/hotline/channels/{id}/messages',
    allowed: readsPartiesChannel,
    request: () => Promise.resolve({ url: `/api/v1/hotline/channels/${fx.channelId}/messages` }),
  },
  {
    method: 'POST',
    route: '/api/v1/hotline/channels/{id}/messages',
    // Members send: the UA liaison; the commission sees the channel but is not a member (403).
    allowed: (w) =>
      !usesHotline(w) ? false : w.kind === 'party' ? true : w.kind === 'commission' ? false : 'hidden',
    request: () =>
      Promise.resolve({
        url: `/api/v1/hotline/channels/${fx.channelId}/messages`,
        payload: { body: 'hold fire' },
      }),
  },
  {
    method: 'GET',
    route: '/api/v1/hotline/messages/{id}',
    allowed: readsPartiesChannel,
    request: () => Promise.resolve({ url: `/api/v1/hotline/messages/${fx.messageId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/hotline/messages/{id}/ack',
    // The addressee (UA) acknowledges; the commission sees the message but is not its addressee (409).
    allowed: (w) =>
      !usesHotline(w) ? false : w.kind === 'party' ? true : w.kind === 'commission' ? 'rule' : 'hidden',
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/hotline/messages/${succeeds ? await freshMessage(t) : fx.messageId}/ack`,
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/notices',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/notices?format=geojson' }),
  },
  {
    method: 'POST',
    route: '/api/v1/notices',
    allowed: notifies,
    request: async ({ t, token }) => ({ url: '/api/v1/notices', payload: await noticeFor(t, token) }),
  },
  {
    method: 'POST',
    route: '/api/v1/notices/import',
    allowed: notifies,
    request: async ({ t, token }) => {
      const { site, ...rest } = (await noticeFor(t, token)) as { site?: { lon: number; lat: number } };
      const feature =
        site !== undefined
          ? {
              type: 'Feature',
              geometry: { type: 'Point', coordinates: [site.lon, site.lat] },
              properties: { ...rest, site },
            }
          : (() => {
              const { route, ...props } = rest as { route: { coordinates: number[][]; corridorM: number } };
              return {
                type: 'Feature',
                geometry: { type: 'LineString', coordinates: route.coordinates },
                properties: { ...props, corridorM: route.corridorM },
              };
            })();
      return { url: '/api/v1/notices/import', payload: { type: 'FeatureCollection', features: [feature] } };
    },
  },
  {
    method: 'GET',
    route: '/api/v1/notices/conflicts',
    allowed: signedIn,
    request: () => Promise.resolve({ url: '/api/v1/notices/conflicts' }),
  },
  {
    method: 'GET',
    route: '/api/v1/notices/touched',
    // A report's notified matches, for those who may read the report (others: as if it did not exist).
    allowed: (w) => (w.role === null ? false : readsReports(w) ? true : 'hidden'),
    request: () => Promise.resolve({ url: `/api/v1/notices/touched?report=${fx.reportId}` }),
  },
  {
    method: 'GET',
    route: '/api/v1/notices/{id}',
    allowed: readsFixtureNotice,
    request: () => Promise.resolve({ url: `/api/v1/notices/${fx.noticeId}` }),
  },
  {
    method: 'GET',
    route: '/api/v1/notices/{id}/proof',
    allowed: readsFixtureNotice,
    request: () => Promise.resolve({ url: `/api/v1/notices/${fx.noticeId}/proof` }),
  },
  ...(['replace', 'cancel', 'withdraw', 'reconfirm'] as const).map((action): Case => ({
    method: 'POST',
    route: `/api/v1/notices/{id}/${action}`,
    allowed: changesFixtureNotice,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/notices/${succeeds ? await freshNotice(t) : fx.noticeId}/${action}`,
      ...(action === 'replace'
        ? { payload: hospitalNotice() }
        : action === 'reconfirm'
          ? {}
          : { payload: { reason: 'no longer needed' } }),
    }),
  })),
  {
    method: 'POST',
    route: '/api/v1/notices/{id}/respond',
    allowed: answersFixtureNotice,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/notices/${succeeds ? await freshNotice(t) : fx.noticeId}/respond`,
      payload: { response: 'acknowledge' },
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/notices/{id}/requests',
    allowed: answersFixtureNotice,
    request: () =>
      Promise.resolve({
        url: `/api/v1/notices/${fx.noticeId}/requests`,
        payload: { fields: ['occupants'], reason: 'to plan around it' },
      }),
  },
  {
    method: 'POST',
    route: '/api/v1/notices/requests/{id}/answer',
    allowed: changesFixtureNotice,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/notices/requests/${succeeds ? await freshRequest(t) : fx.requestId}/answer`,
      payload: { disclose: false },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/quiet-days',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/quiet-days' }),
  },
  {
    method: 'GET',
    route: '/api/v1/cases',
    // Every caller may list cases; the markings decide which.
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/cases' }),
  },
  {
    method: 'GET',
    route: '/api/v1/cases/{id}',
    allowed: readsCase,
    request: () => Promise.resolve({ url: `/api/v1/cases/${fx.caseId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/cases/{id}/decisions',
    allowed: decidesCase,
    request: async ({ t, succeeds }) => ({
      url: `/api/v1/cases/${succeeds ? await fabricatedCase(t) : fx.caseId}/decisions`,
      payload: { option: 'hold', reason: 'waiting for the investigation' },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/guarantees/status',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/guarantees/status' }),
  },
  {
    method: 'GET',
    route: '/api/v1/ladder/replay',
    allowed: () => true,
    request: () =>
      Promise.resolve({ url: '/api/v1/ladder/replay?from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z' }),
  },
  {
    method: 'POST',
    route: '/api/v1/commitments',
    // Guarantors pledge; the commission's analysts may record (ratification) but act for no guarantor.
    allowed: (w) => (w.role === 'guarantor' ? true : w.role === 'analyst' ? 'rule' : false),
    request: ({ n }) => Promise.resolve({ url: '/api/v1/commitments', payload: pledgeInput(`matrix ${n}`) }),
  },
  {
    method: 'GET',
    route: '/api/v1/commitments',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/commitments' }),
  },
  {
    method: 'GET',
    route: '/api/v1/daily-reports/{date}',
    // Everyone who reads reports, the public included: each reader gets the edition of what it may see.
    allowed: readsReports,
    request: () => Promise.resolve({ url: '/api/v1/daily-reports/2026-11-25?format=json' }),
  },
  {
    method: 'GET',
    route: '/api/v1/commitments/summary',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/commitments/summary' }),
  },
  {
    method: 'GET',
    route: '/api/v1/commitments/{id}',
    allowed: readsAmberPledge,
    request: () => Promise.resolve({ url: `/api/v1/commitments/${fx.pledgeId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/commitments/{id}/deliveries',
    // Only the pledging guarantor; the commission's analysts see the pledge but may not write to it.
    allowed: (w) => w.role === 'guarantor',
    request: () =>
      Promise.resolve({
        url: `/api/v1/commitments/${fx.pledgeId}/deliveries`,
        payload: { quantity: 1, deliveredOn: '2026-11-25' },
      }),
  },
  {
    method: 'POST',
    route: '/api/v1/commitments/{id}/amendments',
    allowed: (w) => w.role === 'guarantor',
    request: ({ n }) =>
      Promise.resolve({
        url: `/api/v1/commitments/${fx.pledgeId}/amendments`,
        payload: { quantity: 1_000_000 + n, reason: 'matrix' },
      }),
  },
  {
    method: 'GET',
    route: '/api/v1/guarantees/{id}/ratification',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/guarantees/g-security/ratification' }),
  },
  {
    method: 'POST',
    route: '/api/v1/guarantees/{id}/ratification/steps/{stepId}',
    // The step's actor (US) or the commission's analysts.
    allowed: (w) => w.role === 'guarantor' || w.role === 'analyst',
    request: () =>
      Promise.resolve({
        url: '/api/v1/guarantees/g-security/ratification/steps/rs-us-congress',
        payload: { status: 'scheduled', on: '2026-12-10' },
      }),
  },
  {
    method: 'POST',
    route: '/api/v1/webhooks',
    allowed: managesWebhooks,
    request: () =>
      Promise.resolve({
        url: '/api/v1/webhooks',
        payload: { url: 'https://example.org/hook', kinds: ['*'] },
      }),
  },
  {
    method: 'GET',
    route: '/api/v1/webhooks',
    allowed: managesWebhooks,
    request: () => Promise.resolve({ url: '/api/v1/webhooks' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/webhooks/{id}',
    allowed: managesWebhooks,
    request: async ({ t, token, succeeds }) => ({
      url: `/api/v1/webhooks/${succeeds ? await ownWebhook(t, token) : crypto.randomUUID()}`,
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/webhooks/{id}/deliveries',
    allowed: managesWebhooks,
    request: async ({ t, token, succeeds }) => ({
      url: `/api/v1/webhooks/${succeeds ? await ownWebhook(t, token) : crypto.randomUUID()}/deliveries`,
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/events',
    allowed: () => true,
    request: () => Promise.resolve({ url: '/api/v1/events' }),
  },
];

/** A pledge of the US under the guarantee's weapons response, AMBER (kept among the guarantors). */
function pledgeInput(item: string): Record<string, unknown> {
  return {
    guaranteeId: 'g-security',
    category: 'air_defence',
    item,
    quantity: 1_000_000,
    unit: 'pieces',
    responseId: 'resp-weapons',
    pledgedOn: '2026-11-20',
    marking: 'AMBER',
  };
}

/** A webhook subscription of the caller's own organisation. */
async function ownWebhook(t: TestApp, token: string): Promise<string> {
  const made = await call(t, token, 'POST', '/api/v1/webhooks', 201, {
    url: 'https://example.org/hook',
    kinds: ['*'],
  });
  return (made.subscription as { id: string }).id;
}

/** A JSON request as the holder of `token`; throws unless it answers `status`. */
async function call(
  t: TestApp,
  token: string,
  method: Case['method'],
  url: string,
  status: number,
  payload?: object,
): Promise<Record<string, unknown>> {
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload !== undefined ? { payload } : {}),
  });
  if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  // A report submission answers before its correlation into incidents, which the callers read next.
  await t.services.monitoring.reports.settled();
  return res.json<Record<string, unknown>>();
}

/**
 * A new candidate incident of its own: reports by the commission's monitor, six hours after the
 * previous incident's, so that they never correlate with another incident's.
 */
async function freshIncident(t: TestApp, reports = 1): Promise<{ id: string; reportIds: string[] }> {
  fx.slot += 1;
  const from = new Date(Date.parse('2026-11-25T10:00:00Z') - fx.slot * 6 * 3_600_000).toISOString();
  const reportIds: string[] = [];
  for (let i = 0; i < reports; i += 1) {
    const filed = await call(t, fx.monitorToken, 'POST', '/api/v1/reports', 201, {
      ...reportInput({ externalId: `incident-${fx.slot}-${i}` }),
      observed: { from, precision: 'exact', timeZone: 'Europe/Kyiv' },
      location: { lon: 38.08 + i * 0.002, lat: 48.36, uncertaintyM: 300 },
    });
    reportIds.push((filed.report as { id: string }).id);
  }
  const queue = await call(t, fx.analystToken, 'GET', '/api/v1/incidents?limit=1000', 200);
  const incident = (queue.incidents as { id: string; reportIds: string[] }[]).find((i) =>
    i.reportIds.includes(reportIds[0] ?? ''),
  );
  if (incident === undefined || incident.reportIds.length !== reports)
    throw new Error(`reports ${reportIds.join(', ')} did not make one incident`);
  return { id: incident.id, reportIds };
}

/** A new incident verified by two analysts of two organisations (it is serious). */
async function concludedIncident(t: TestApp): Promise<string> {
  const { id } = await freshIncident(t);
  const url = `/api/v1/incidents/${id}/transitions`;
  await call(t, fx.analystToken, 'POST', url, 200, { to: 'under_review', reason: 'taking it' });
  await call(t, fx.analystToken, 'POST', url, 200, { to: 'verified', reason: 'imagery' });
  await call(t, fx.analystEuToken, 'POST', url, 200, { to: 'verified', reason: 'confirmed' });
  return id;
}

/** A new finding put to the body's vote. */
async function findingInVote(t: TestApp): Promise<string> {
  const id = await concludedIncident(t);
  const put = await call(t, fx.analystToken, 'POST', `/api/v1/incidents/${id}/findings`, 201, {
    summary: 'Shelling near Horlivka.',
  });
  return (put.finding as { id: string }).id;
}

/** A new finding adopted by the US's three seats and one of the EUC's, not yet published. */
async function adoptedFinding(t: TestApp): Promise<string> {
  const id = await findingInVote(t);
  for (const token of fx.voterTokens)
    await call(t, token, 'POST', `/api/v1/findings/${id}/votes`, 201, { choice: 'for' });
  return id;
}

/** OCHA's hospital notice (the humanitarian site obligation). */
function hospitalNotice(): Record<string, unknown> {
  return {
    obligation: 'n-humanitarian-site',
    subject: 'static_site',
    kind: 'site',
    site: { lon: 37.6, lat: 47.95, precisionM: 30, function: 'hospital' },
    details: { operator: 'MSF' },
  };
}

/** A notice the caller's organisation may submit, or the hospital for an organisation that notifies nothing. */
async function noticeFor(t: TestApp, token: string): Promise<Record<string, unknown>> {
  const org = token === '' ? null : (await t.services.sessions.principalFromToken(token)).organisationId;
  const now = t.clock.now().getTime();
  const at = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
  if (org === 'UA')
    return {
      obligation: 'n-holding-areas',
      subject: 'heavy_weapons_holding_area',
      kind: 'site',
      site: { lon: 37.4, lat: 47.9, precisionM: 20, function: 'holding_area' },
      validFrom: at(25),
      details: { equipment_category: 'artillery-100mm-plus', count: 4 },
    };
  if (org === 'JMVC')
    return {
      obligation: 'n-monitoring-flight',
      subject: 'monitoring_flight',
      kind: 'flight',
      route: {
        coordinates: [
          [37.0, 47.5],
          [37.5, 47.7],
        ],
        corridorM: 2000,
      },
      window: { from: at(3), to: at(5) },
      altitude: { minM: 500, maxM: 1500 },
    };
  return hospitalNotice();
}

/** A new hospital notice by OCHA, for a caller expected to change or answer it. */
async function freshNotice(t: TestApp): Promise<string> {
  const made = await call(t, fx.ochaToken, 'POST', '/api/v1/notices', 201, hospitalNotice());
  return (made.notice as { id: string }).id;
}

/** A new request by UA's liaison for fields of a fresh notice, for OCHA to answer. */
async function freshRequest(t: TestApp): Promise<string> {
  const id = await freshNotice(t);
  const made = await call(t, fx.uaLiaisonToken, 'POST', `/api/v1/notices/${id}/requests`, 200, {
    fields: ['occupants'],
    reason: 'to plan around it',
  });
  return String(made.id);
}

/** A new UA–RU hotline channel, opened by the console (the commission). */
async function freshChannel(t: TestApp): Promise<string> {
  fx.slot += 1;
  return (await t.services.hotline.open(CONSOLE_ACTOR, { name: `line ${fx.slot}`, members: ['UA', 'RU'] }))
    .channel.id;
}

/** A new message from RU to UA on the fixture channel. */
async function freshMessage(t: TestApp): Promise<string> {
  const ru = consoleActor(await t.services.sessions.principalFromToken(fx.ruLiaisonToken));
  return (await t.services.hotline.send(ru, fx.channelId, { body: 'acknowledge this' })).id;
}

/** A new open escalation involving UA and RU, raised as the system would. */
async function freshEscalation(t: TestApp): Promise<string> {
  fx.slot += 1;
  const { escalation } = await t.services.database.db.transaction().execute((tx) =>
    t.services.escalations.raise(tx, CONSOLE_ACTOR, {
      sourceKind: 'hotline-message',
      sourceId: `matrix-${fx.slot}`,
      organisations: ['UA', 'RU'],
      reason: 'acknowledgement deadline missed',
    }),
  );
  return escalation.id;
}

/** A new case at rung 2 (the MVC decides by majority), addressed as the service would address it. */
async function fabricatedCase(t: TestApp): Promise<string> {
  const id = crypto.randomUUID();
  const at = t.clock.now().toISOString();
  await insertCase(t.services.database.db, {
    id,
    ladderId: 'breach-ladder',
    agreementVersionId: DEMO_VERSION,
    party: null,
    rungId: 'rung-2',
    rungIndex: 1,
    status: 'open',
    outcome: null,
    deadline: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString(),
    actors: ['MVC'],
    decisionRule: 'majority',
    findingIds: [],
    openedAt: at,
    rungSince: at,
    updatedAt: at,
    steps: [{ at, kind: 'case.opened', rungId: 'rung-2', reason: 'access matrix fixture' }],
    evidence: { findings: [], incidents: [], reports: [], evidence: [] },
    marking: 'AMBER',
    ownerOrganisationId: 'JMVC',
    addressees: ['JMVC', 'JMVC-EU', 'UA'],
  });
  return id;
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** A GREEN report near Horlivka (every signed-in organisation may see it). */
function reportInput(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return sampleInput({ marking: 'GREEN', ...extra });
}

function evidenceInput(content: string, inline = true): Record<string, unknown> {
  return {
    sha256: sha256(content),
    filename: 'note.txt',
    mediaType: 'text/plain',
    capturedAt: '2026-11-25T20:00:00Z',
    collector: 'Patrol 3',
    ...(inline ? { contentBase64: Buffer.from(content).toString('base64') } : {}),
  };
}

/** Records the cases act on, made in beforeAll by the commission's monitor. */
const fx = {
  reportId: '',
  evidenceId: '',
  sourceId: '',
  ceilingUserId: '',
  monitorToken: '',
  analystToken: '',
  analystEuToken: '',
  /** Three US commissioners and one EUC commissioner: enough seats to adopt a finding. */
  voterTokens: [] as string[],
  /** A verified incident with a finding in vote (the records the read and leak checks use). */
  incidentId: '',
  findingId: '',
  /** An open incident the refused callers aim their writes at. */
  openIncidentId: '',
  /** An open escalation involving UA and RU. */
  escalationId: '',
  /** A UA–RU hotline channel, and a message on it from UA to RU. */
  channelId: '',
  messageId: '',
  ruLiaisonToken: '',
  /** OCHA's hospital notice (addressed to UA, RU and the commission), a request about it, and who made them. */
  noticeId: '',
  requestId: '',
  ochaToken: '',
  uaLiaisonToken: '',
  /** How many incidents the cases made: each gets its own observation time. */
  slot: 0,
  /** A case at rung 2 the read and decision checks aim at. */
  caseId: '',
  /** An AMBER pledge of the US. */
  pledgeId: '',
};

/** Routes open to anyone that the matrix does not run (sign-in needs credentials of its own). */
const PUBLIC_ROUTES = ['POST /api/v1/auth/login'];

const ILLUSTRATIVE = fs.readFileSync('examples/illustrative-framework.yaml', 'utf8');
const DEMO_VERSION = 'illustrative-framework-2025@3';

const ORGS: Record<OrganisationKind, string> = {
  commission: 'JMVC',
  party: 'UA',
  guarantor: 'US',
  humanitarian: 'OCHA',
  public: 'PUBLIC',
};
const WHO: Who[] = [
  { role: null, kind: null },
  ...(Object.keys(ROLES_BY_KIND) as OrganisationKind[]).flatMap((kind) =>
    ROLES_BY_KIND[kind].map((role) => ({ role, kind })),
  ),
];

describeEachDialect('access matrix', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.services.agreements.load(CONSOLE_ACTOR, {
      text: ILLUSTRATIVE,
      fileName: 'illustrative.yaml',
      marking: 'CLEAR',
    });
    fx.monitorToken = await t.tokenFor('JMVC', ['monitor']);
    const filed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${fx.monitorToken}` },
      payload: reportInput({ externalId: 'matrix-fixture', evidence: [evidenceInput('the original photo')] }),
    });
    if (filed.statusCode !== 201) throw new Error(`filing the fixture report: ${filed.body}`);
    await t.services.monitoring.reports.settled();
    fx.reportId = filed.json<{ report: { id: string } }>().report.id;
    const evidence = await t.app.inject({
      url: `/api/v1/reports/${fx.reportId}/evidence`,
      headers: { authorization: `Bearer ${fx.monitorToken}` },
    });
    fx.evidenceId = evidence.json<{ evidence: { id: string }[] }>().evidence[0]?.id ?? '';
    fx.sourceId = (await t.services.monitoring.reports.listSources())[0]?.id ?? '';
    fx.ceilingUserId = (await t.services.users.list()).find((u) => u.username === 'admin')?.id ?? '';
    fx.analystToken = await t.tokenFor('JMVC', ['analyst']);
    fx.analystEuToken = await t.tokenFor('JMVC-EU', ['analyst']);
    fx.voterTokens = [
      await t.tokenFor('US', ['commissioner']),
      await t.tokenFor('US', ['commissioner']),
      await t.tokenFor('US', ['commissioner']),
      await t.tokenFor('EUC', ['commissioner']),
    ];
    fx.incidentId = await concludedIncident(t);
    const put = await call(t, fx.analystToken, 'POST', `/api/v1/incidents/${fx.incidentId}/findings`, 201, {
      summary: 'The fixture finding, never published.',
    });
    fx.findingId = (put.finding as { id: string }).id;
    fx.openIncidentId = (await freshIncident(t)).id;
    const pledged = await call(t, await t.tokenFor('US', ['guarantor']), 'POST', '/api/v1/commitments', 201, {
      ...pledgeInput('the fixture pledge'),
      quantity: 1e12,
    });
    fx.pledgeId = (pledged.pledge as { id: string }).id;
    fx.caseId = await fabricatedCase(t);
    fx.escalationId = await freshEscalation(t);
    fx.channelId = await freshChannel(t);
    fx.ruLiaisonToken = await t.tokenFor('RU', ['liaison']);
    const uaLiaison = consoleActor(
      await t.services.sessions.principalFromToken(await t.tokenFor('UA', ['liaison'])),
    );
    fx.messageId = (
      await t.services.hotline.send(uaLiaison, fx.channelId, { body: 'the fixture message' })
    ).id;
    fx.ochaToken = await t.tokenFor('OCHA', ['humanitarian']);
    fx.uaLiaisonToken = await t.tokenFor('UA', ['liaison']);
    fx.noticeId = await freshNotice(t);
    fx.requestId = await freshRequest(t);
    await t.services.ledger.integrateOnce();
  });
  afterAll(() => t.close());

  it('covers every /api route in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const covered = [...CASES.map((c) => `${c.method} ${c.route}`), ...PUBLIC_ROUTES].sort();
    expect(covered).toEqual(documented);
  });

  let n = 0;
  /** Route × principal cells the policy tests checked, and those refused by expiry or scope. */
  const tally = { cells: 0, expired: 0, narrowed: 0 };
  afterAll(() => {
    process.stdout.write(
      `access matrix [${dialect}]: ${CASES.length} routes × ${WHO.length} principals = ${tally.cells} cells ` +
        `checked; ${tally.expired} refused to an expired session or token, ${tally.narrowed} to a token ` +
        'narrowed by scope\n',
    );
  });
  for (const who of WHO) {
    const label = who.role === null ? 'anonymous' : `${who.role}@${who.kind ?? ''}`;
    it(`applies the policy for ${label}`, async () => {
      const failures: string[] = [];
      for (const c of CASES) {
        n += 1;
        tally.cells += 1;
        let token = '';
        let userId = '';
        if (who.role !== null && who.kind !== null) {
          token = await t.tokenFor(ORGS[who.kind], [who.role]);
          userId = (await t.services.sessions.principalFromToken(token)).userId ?? '';
        }
        const expected = c.allowed(who);
        const { url, payload, contentType } = await c.request({
          t,
          userId,
          token,
          n,
          succeeds: expected === true,
        });
        const res = await t.app.inject({
          method: c.method,
          url,
          ...(payload ? { payload } : {}),
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(contentType ? { 'content-type': contentType } : {}),
          },
        });
        // What a submission's correlation writes after the answer belongs to this cell, not the next.
        await t.services.monitoring.reports.settled();
        const ok =
          expected === 'hidden'
            ? res.statusCode === 404
            : expected === 'invalid'
              ? res.statusCode === 422
              : expected === 'rule'
                ? res.statusCode === 409
                : expected
                  ? res.statusCode < 400
                  : res.statusCode === (who.role === null ? 401 : 403);
        const said =
          expected === 'hidden'
            ? 'hidden (404)'
            : expected === 'invalid'
              ? 'invalid for this caller (422)'
              : expected === 'rule'
                ? 'refused by a rule (409)'
                : expected
                  ? 'allowed'
                  : 'denied';
        if (!ok)
          failures.push(
            `${c.method} ${url}: expected ${said}, got ${res.statusCode} ${res.body.slice(0, 200)}`,
          );
      }
      expect(failures).toEqual([]);
    });
  }
  it('lets no other organisation or the public learn of an incident or an unpublished finding (0 leaks)', async () => {
    const outsiders: [string, Role][] = [
      ['UA', 'commissioner'],
      ['RU', 'liaison'],
      ['UA', 'monitor'],
      ['OCHA', 'humanitarian'],
      ['PUBLIC', 'observer'],
    ];
    const callers: { label: string; token?: string }[] = [{ label: 'anonymous' }];
    for (const [org, role] of outsiders)
      callers.push({ label: `${role}@${org}`, token: await t.tokenFor(org, [role]) });
    const unknown = crypto.randomUUID();
    for (const { label, token } of callers) {
      const ask = async (method: Case['method'], url: string, payload?: object) => {
        const res = await t.app.inject({
          method,
          url,
          headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
          ...(payload !== undefined ? { payload } : {}),
        });
        return { status: res.statusCode, body: res.body };
      };
      const incidents = await ask('GET', '/api/v1/incidents?limit=1000');
      if (incidents.status === 200) expect(JSON.parse(incidents.body).total, label).toBe(0);
      else expect(incidents.status, label).toBe(token === undefined ? 401 : 403);
      const findings = await ask('GET', '/api/v1/findings?limit=1000');
      expect(findings.status, label).toBe(200);
      const listed = JSON.parse(findings.body) as { findings: { id: string; publishedAt?: string }[] };
      expect(
        listed.findings.map((f) => f.id),
        label,
      ).not.toContain(fx.findingId);
      expect(
        listed.findings.every((f) => f.publishedAt !== undefined),
        label,
      ).toBe(true);
      // The same answer for the real records as for ids that do not exist: nothing tells them apart.
      const probes: [Case['method'], string, (id: string) => string, object?][] = [
        ['GET', fx.incidentId, (id) => `/api/v1/incidents/${id}`],
        ['GET', fx.findingId, (id) => `/api/v1/findings/${id}`],
        [
          'POST',
          fx.openIncidentId,
          (id) => `/api/v1/incidents/${id}/transitions`,
          { to: 'under_review', reason: 'mine' },
        ],
        ['POST', fx.incidentId, (id) => `/api/v1/incidents/${id}/findings`, { summary: 'mine' }],
        ['POST', fx.findingId, (id) => `/api/v1/findings/${id}/votes`, { choice: 'against' }],
        ['POST', fx.findingId, (id) => `/api/v1/findings/${id}/publish`],
      ];
      for (const [method, id, path, payload] of probes) {
        const seen = await ask(method, path(id), payload);
        const none = await ask(method, path(unknown), payload);
        expect(seen.status, `${label} ${method} ${path(id)}`).toBeGreaterThanOrEqual(401);
        expect(seen.status, `${label} ${method} ${path(id)}`).toBeLessThanOrEqual(404);
        const scrub = (body: string, hide: string) =>
          JSON.stringify({
            ...(JSON.parse(body) as object),
            instance: undefined,
            requestId: undefined,
          }).replaceAll(hide, 'ID');
        expect(scrub(seen.body, id), `${label} ${method} ${path(id)}`).toBe(scrub(none.body, unknown));
      }
    }
    const finding = await t.app.inject({
      url: `/api/v1/findings/${fx.findingId}`,
      headers: { authorization: `Bearer ${fx.analystToken}` },
    });
    expect(finding.json<{ finding: { state: string; publishedAt?: string } }>().finding).toMatchObject({
      state: 'voting',
    });
  });

  it('serves CLEAR reports and their evidence to the anonymous public, and nothing above CLEAR (security A9: anonymous reads of CLEAR reports answer 401)', async () => {
    const filed: Record<string, { reportId: string; evidenceId: string }> = {};
    for (const marking of ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${fx.monitorToken}` },
        payload: reportInput({
          marking,
          externalId: `public-${marking}`,
          evidence: [evidenceInput(`photo of ${marking}`)],
        }),
      });
      if (res.statusCode !== 201) throw new Error(`filing a ${marking} report: ${res.body}`);
      const reportId = res.json<{ report: { id: string } }>().report.id;
      const evidence = await t.app.inject({
        url: `/api/v1/reports/${reportId}/evidence`,
        headers: { authorization: `Bearer ${fx.monitorToken}` },
      });
      filed[marking] = {
        reportId,
        evidenceId: evidence.json<{ evidence: { id: string }[] }>().evidence[0]?.id ?? '',
      };
    }
    const anonymous = (url: string) => t.app.inject({ url });
    const list = await anonymous('/api/v1/reports?limit=500');
    expect(list.statusCode).toBe(200);
    const listed = list.json<{ reports: { id: string; marking: string }[] }>().reports;
    expect(listed.map((r) => r.marking).every((m) => m === 'CLEAR')).toBe(true);
    expect(listed.map((r) => r.id)).toContain(filed.CLEAR?.reportId);
    for (const [marking, { reportId, evidenceId }] of Object.entries(filed)) {
      const expected = marking === 'CLEAR' ? 200 : 404;
      for (const url of [
        `/api/v1/reports/${reportId}`,
        `/api/v1/reports/${reportId}/evidence`,
        `/api/v1/evidence/${evidenceId}/content`,
        `/api/v1/evidence/${evidenceId}/custody`,
      ])
        expect((await anonymous(url)).statusCode, `${marking}: ${url}`).toBe(expected);
    }
    const content = await anonymous(`/api/v1/evidence/${filed.CLEAR?.evidenceId ?? ''}/content`);
    expect(content.body).toBe('photo of CLEAR');
  });

  /** Runs every case a caller the public could not act as must be refused, with the status it must get. */
  async function refusedEverywhere(
    who: Who,
    headers: (c: Case) => Record<string, string>,
    cookies: Record<string, string>,
    status: number,
  ): Promise<{ checked: number; failures: string[] }> {
    const userId = '';
    let checked = 0;
    const failures: string[] = [];
    for (const c of CASES) {
      if (c.allowed({ role: null, kind: null }) !== false) continue;
      n += 1;
      const { url, payload, contentType } = await c.request({ t, userId, token: '', n, succeeds: false });
      const res = await t.app.inject({
        method: c.method,
        url,
        ...(payload ? { payload } : {}),
        cookies,
        headers: { ...headers(c), ...(contentType ? { 'content-type': contentType } : {}) },
      });
      checked += 1;
      if (res.statusCode !== status)
        failures.push(`${c.method} ${url} (${who.role ?? ''}): ${res.statusCode} ${res.body.slice(0, 160)}`);
    }
    return { checked, failures };
  }

  it('refuses an expired session and an expired token everywhere the public is refused (security B4: sessions expire)', async () => {
    const admin = { role: 'admin', kind: 'commission' } as const;
    const username = `expiring-admin-${dialect}`;
    const user = await t.services.users.create(CONSOLE_ACTOR, {
      organisationId: 'JMVC',
      username,
      roles: ['admin'],
      password: TEST_PASSWORD,
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'tl_session')?.value ?? '';
    const csrf = login.json<{ csrfToken?: string }>().csrfToken ?? '';
    const { secret } = await t.services.tokens.create(CONSOLE_ACTOR, {
      userId: user.id,
      name: 'short',
      expiresInDays: 1,
    });
    // Both work while they are fresh.
    for (const auth of [
      { cookies: { tl_session: cookie } },
      { headers: { authorization: `Bearer ${secret}` } },
    ])
      expect((await t.app.inject({ url: '/api/v1/users', ...auth })).statusCode).toBe(200);

    const before = t.clock.current;
    t.clock.advance(2 * 86_400_000);
    try {
      const session = await refusedEverywhere(
        admin,
        () => ({ 'x-csrf-token': csrf }),
        { tl_session: cookie },
        401,
      );
      const token = await refusedEverywhere(admin, () => ({ authorization: `Bearer ${secret}` }), {}, 401);
      expect(session.failures).toEqual([]);
      expect(token.failures).toEqual([]);
      expect(session.checked).toBeGreaterThan(0);
      tally.expired += session.checked + token.checked;
    } finally {
      t.clock.current = before;
    }
  });

  it('refuses a token narrowed to the public’s scopes everywhere the public is refused (security B4: tokens never exceed their scope)', async () => {
    const admin = { role: 'admin', kind: 'commission' } as const;
    const user = await t.services.users.create(CONSOLE_ACTOR, {
      organisationId: 'JMVC',
      username: `narrowed-admin-${dialect}`,
      roles: ['admin'],
      password: TEST_PASSWORD,
    });
    const { secret } = await t.services.tokens.create(CONSOLE_ACTOR, {
      userId: user.id,
      name: 'read reports only',
      scopes: ['reports:read', 'agreement:read'],
    });
    const auth = { authorization: `Bearer ${secret}` };
    // In scope: the commission's GREEN fixture report, which the public may not read.
    const inScope = await t.app.inject({ url: `/api/v1/reports/${fx.reportId}`, headers: auth });
    expect(inScope.statusCode).toBe(200);
    const { checked, failures } = await refusedEverywhere(admin, () => auth, {}, 403);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(0);
    tally.narrowed += checked;
  });

  it('checked every route for every principal', () => {
    if (tally.cells > 0) expect(tally.cells).toBe(CASES.length * WHO.length);
  });
});
