import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Permission } from '../api/types.js';
import type { MessageKey } from '../i18n/index.js';

export interface Screen {
  id: string;
  path: string;
  /** What the signed-in principal must be allowed to do; absent for screens open to everyone. */
  permission?: Permission;
  /** Shown in the main navigation under this label. */
  nav?: MessageKey;
  /** For screens not in the navigation: the entry to mark as current (a report belongs to Reports). */
  section?: string;
  title: MessageKey;
  component: LazyExoticComponent<ComponentType<{ params: Record<string, string> }>>;
}

/** Every screen, most specific path first. Navigation and access both read `permission` from here. */
export const SCREENS: Screen[] = [
  {
    id: 'overview',
    path: '/',
    nav: 'nav.overview',
    title: 'overview.title',
    component: lazy(() => import('../overview/OverviewScreen.js')),
  },
  {
    id: 'map',
    path: '/map',
    permission: 'agreement:read',
    nav: 'nav.map',
    title: 'map.title',
    component: lazy(() => import('../screens/MapScreen.js')),
  },
  {
    id: 'new-report',
    path: '/reports/new',
    permission: 'reports:create',
    nav: 'nav.newReport',
    title: 'reportForm.title',
    component: lazy(() => import('../screens/ReportFormScreen.js')),
  },
  {
    id: 'reports',
    path: '/reports',
    permission: 'reports:read',
    nav: 'nav.reports',
    title: 'reports.title',
    component: lazy(() => import('../screens/ReportsScreen.js')),
  },
  {
    id: 'report',
    path: '/reports/:id',
    section: 'reports',
    permission: 'reports:read',
    title: 'report.title',
    component: lazy(() => import('../screens/ReportDetailScreen.js')),
  },
  {
    id: 'agreement',
    path: '/agreement',
    permission: 'agreement:read',
    nav: 'nav.agreement',
    title: 'agreement.title',
    component: lazy(() => import('../screens/AgreementScreen.js')),
  },
  {
    id: 'log',
    path: '/transparency-log',
    permission: 'log:read',
    nav: 'nav.log',
    title: 'log.title',
    component: lazy(() => import('../screens/LogScreen.js')),
  },
  {
    id: 'incidents',
    path: '/incidents',
    permission: 'incidents:read',
    nav: 'nav.incidents',
    title: 'incidents.title',
    component: lazy(() => import('../screens/IncidentsScreen.js')),
  },
  {
    id: 'incident',
    path: '/incidents/:id',
    section: 'incidents',
    permission: 'incidents:read',
    title: 'incident.title',
    component: lazy(() => import('../screens/IncidentScreen.js')),
  },
  {
    id: 'cases',
    path: '/cases',
    permission: 'cases:read',
    nav: 'nav.cases',
    title: 'cases.title',
    component: lazy(() => import('../response/CasesScreen.js')),
  },
  {
    id: 'case',
    path: '/cases/:id',
    section: 'cases',
    permission: 'cases:read',
    title: 'case.title',
    component: lazy(() => import('../response/CaseScreen.js')),
  },
  {
    id: 'commitments',
    path: '/commitments',
    permission: 'commitments:read',
    nav: 'nav.commitments',
    title: 'commitments.title',
    component: lazy(() => import('../commitments/CommitmentsScreen.js')),
  },
  {
    id: 'findings',
    path: '/findings',
    permission: 'findings:read',
    nav: 'nav.findings',
    title: 'findings.title',
    component: lazy(() => import('../screens/FindingsScreen.js')),
  },
  {
    id: 'finding',
    path: '/findings/:id',
    section: 'findings',
    permission: 'findings:read',
    title: 'finding.title',
    component: lazy(() => import('../screens/FindingScreen.js')),
  },
  {
    id: 'deconfliction',
    path: '/deconfliction',
    permission: 'notices:read',
    nav: 'nav.deconfliction',
    title: 'deconfliction.title',
    component: lazy(() => import('../deconfliction/DeconflictionScreen.js')),
  },
  {
    id: 'new-notice',
    path: '/deconfliction/new',
    section: 'deconfliction',
    permission: 'notices:submit',
    title: 'noticeForm.title',
    component: lazy(() => import('../deconfliction/NoticeFormScreen.js')),
  },
  {
    id: 'notice',
    path: '/deconfliction/notices/:id',
    section: 'deconfliction',
    permission: 'notices:read',
    title: 'notice.title',
    component: lazy(() => import('../deconfliction/NoticeScreen.js')),
  },
  {
    id: 'daily',
    path: '/daily',
    permission: 'reports:read',
    nav: 'nav.daily',
    title: 'daily.title',
    component: lazy(() => import('../daily/DailyScreen.js')),
  },
  {
    id: 'account',
    path: '/account',
    permission: 'me:read',
    title: 'account.title',
    component: lazy(() => import('../screens/AccountScreen.js')),
  },
  {
    id: 'sign-in',
    path: '/sign-in',
    title: 'signIn.title',
    component: lazy(() => import('../screens/SignInScreen.js')),
  },
];

/** The order of the main navigation (differs from matching order). */
export const NAV_ORDER = [
  'overview',
  'map',
  'reports',
  'new-report',
  'incidents',
  'findings',
  'daily',
  'deconfliction',
  'cases',
  'agreement',
  'commitments',
  'log',
];
