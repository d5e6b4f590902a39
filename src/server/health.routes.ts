import { Type } from '@sinclair/typebox';
import { ping } from '../db/connect.js';
import { pendingMigrations } from '../db/migrate.js';
import type { AppServices } from './context.js';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers and is migrated). */
export function registerHealthRoutes(app: App, services: AppServices): void {
  const Status = Type.Object({ status: Type.String(), database: Type.Optional(Type.String()) });
  app.get(
    '/healthz',
    { schema: { tags: ['health'], response: { 200: Status } }, config: { public: true } },
    () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: Status } }, config: { public: true } },
    async () => {
      try {
        await ping(services.database.db);
      } catch (err) {
        throw new AppError(
          'unavailable',
          `database ${services.database.description} does not answer: ${(err as Error).message}`,
        );
      }
      const pending = await pendingMigrations(services.database.db);
      if (pending.length > 0) throw new AppError('unavailable', `migrations pending: ${pending.join(', ')}`);
      return { status: 'ready', database: services.database.dialect };
    },
  );
}
