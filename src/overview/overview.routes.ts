import type { App } from '../http/app.js';
import { OverviewQuery, OverviewSchema } from './overview.schemas.js';
import type { OverviewService } from './overview.service.js';

/** `GET /api/v1/overview`: the landing screen's figures, shaped by the caller (anonymous: the public). */
export function registerOverviewRoutes(app: App, overview: OverviewService): void {
  app.get(
    '/overview',
    {
      schema: {
        tags: ['overview'],
        summary:
          "Today's counts, violations per day, open items, quiet days and the log's health, as the caller may see them",
        description:
          'Records the caller may not see in detail are counted only in bands of minCell (docs/overview.md).',
        querystring: OverviewQuery,
        response: { 200: OverviewSchema },
      },
      // Anyone, the public included: what each reader sees is decided by the markings, figure by figure.
      config: { public: true },
    },
    async (request) => overview.overview(request.principal, request.query.days === 90 ? 90 : 30),
  );
}
