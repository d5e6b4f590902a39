/** The overview: the client side of `src/overview/overview.routes.ts`. Shapes through `src/wire.ts`. */
import type { Overview } from '../../../src/wire.js';
import { getJson } from '../api/client.js';

export type { Overview };
export type OverviewCell = Overview['counts']['total']['today'];
export type CountRow = Overview['counts']['total'];

export const getOverview = (days: 30 | 90): Promise<Overview> =>
  getJson<Overview>(`/api/v1/overview?days=${days}`);
