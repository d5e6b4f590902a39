/**
 * Shapes of the API the dashboard reads. Where the server already defines one, the type is taken from
 * it through `src/wire.ts` (type-only: nothing of the server is bundled), so a change there fails the
 * web typecheck instead of the browser.
 */
import type { Geometry } from 'geojson';
import type { Agreement, AgreementVersion, Me, NegotiationStatus, Permission } from '../../../src/wire.js';

export type {
  Me,
  Permission,
  Agreement,
  Provision,
  Guarantee,
  EscalationLadder,
  ReportCategory,
  Actor,
} from '../../../src/wire.js';

/** What `POST /api/v1/auth/login` answers. */
export interface LoginResult {
  user: NonNullable<Me['user']>;
  csrfToken: string;
  expiresAt: string;
}

/** `GET /api/v1/agreement`: the newest version the principal may see, and the document itself. */
export interface CurrentAgreement {
  version: AgreementVersion;
  agreement: Agreement;
}

/** Properties of one feature of `GET /api/v1/agreement/zones` (src/agreement/agreement.geojson.ts). */
export interface ZoneProperties {
  id: string;
  name: string;
  /** Reference lines, other reference geometries (places, areas), and zones. */
  kind: 'line' | 'reference' | 'zone';
  /** True for zones computed from a line by distance (withdrawal bands and the like). */
  derived?: boolean;
  /** The agreement's own type: referenceKind for lines and places, zoneKind for zones. */
  referenceKind?: string;
  zoneKind?: string;
  /** The zone a nested band belongs to. */
  parentId?: string | null;
  provision?: string | null;
  widthKm?: number | null;
  [key: string]: unknown;
}

export interface ZoneFeature {
  type: 'Feature';
  id?: string | number;
  geometry: Geometry;
  properties: ZoneProperties;
}

export interface ZoneCollection {
  type: 'FeatureCollection';
  features: ZoneFeature[];
}

/** `GET /api/v1/agreement/negotiation`: the server's negotiation status (src/agreement/negotiation.ts). */
export type NegotiationSummary = NegotiationStatus;

/** `GET /api/v1/places` feature properties. */
export interface PlaceProperties {
  name: string;
  population: number;
  country: string;
}

/** `GET /api/v1/log/entries/:index`. */
export interface LogEntry {
  index: number;
  kind: string;
  integratedAt: string;
  leafHash: string;
  entry: unknown;
  inclusion: { treeSize: number; proof: string[] };
}

export interface CheckpointSummary {
  size: number;
  rootHash: string;
  createdAt: string;
}

export interface Witness {
  name: string;
  vkey: string;
}

/** Permissions each screen needs; navigation and routes are driven by these, never by role names. */
export type ScreenPermission = Permission;
