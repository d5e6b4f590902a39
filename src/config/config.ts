import net from 'node:net';
import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  databaseUrl: string;
  dataDir: string;
  port: number;
  host: string;
  /** Request and server logging: warnings and errors only unless asked (`--log-level`, TRUCELINE_LOG_LEVEL). */
  logLevel: LogLevel;
  /** Set `Secure` on session cookies. Off only for plain-HTTP deployments that are not localhost. */
  secureCookies: boolean;
  /** Requests per minute per client before 429. */
  rateLimitPerMinute: number;
  /** scrypt cost parameter N (power of two); lowered only in tests. */
  passwordCostN: number;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  /** The commission's Ed25519 log signing key (signed-note PRIVATE+KEY text), created on first run. */
  logKeyFile: string;
  /**
   * The log's origin line (also its key name) when a key is created, e.g. "jmvc.example.org/log";
   * unset, the CLI derives one (`defaultLogOrigin`). An existing key keeps the origin it was made with.
   */
  logOrigin?: string;
  /**
   * The key that seals stored secrets (webhook signing secrets) in the database, created on first
   * use; a backup carries it.
   */
  secretsKeyFile: string;
  /** Let webhooks target private and loopback addresses (closed networks, tests); off by default. */
  webhookAllowPrivate: boolean;
  /** Milliseconds between heartbeat comments on an open event stream. */
  eventHeartbeatMs: number;
  /**
   * Most event streams the anonymous public may hold open on one process at once; past it a new
   * public stream is refused with 503 (signed-in readers are not counted). 0 turns public streams off.
   */
  eventPublicStreams: number;
  /**
   * An offline vector basemap (a PMTiles v3 archive of OpenStreetMap, e.g. a `pmtiles extract` of the
   * Protomaps build) served to the map at /basemap/tiles.pmtiles; unset, the map shows countries only.
   */
  basemapPmtiles?: string;
  /**
   * GeoNames alternate names files (the unzipped `alternatenames/UA.txt` and other countries'),
   * read at start for the places' Ukrainian names (TRUCELINE_PLACE_NAMES, comma-separated); empty,
   * places are called by their GeoNames name in every language.
   */
  placeNamesFiles: string[];
  /**
   * The reverse proxies (load balancers) whose `X-Forwarded-For` names the client: addresses or CIDR
   * ranges (TRUCELINE_TRUST_PROXY). Unset, the client is the connection's peer, and behind a load
   * balancer every client would share its address (one rate limit, one sign-in throttle for all).
   */
  trustProxy?: string[];
}

/** The server's log levels, quietest first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
/** One log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Whether a string is one of the log levels. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const name = env.TRUCELINE_LOG_LEVEL !== undefined ? 'TRUCELINE_LOG_LEVEL' : 'LOG_LEVEL';
  const raw = env[name];
  if (raw === undefined || raw === '') return 'warn';
  if (!isLogLevel(raw)) throw new ConfigError(`${name}=${raw}: must be one of ${LOG_LEVELS.join(', ')}`);
  return raw;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name}=${raw}: must be a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name}=${raw}: must be between ${min} and ${max}`);
  return value;
}

function filesFrom(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const files = raw.split(',').map((f) => f.trim());
  if (files.some((f) => f === ''))
    throw new ConfigError(`${name}=${raw}: an empty file name (the list is comma-separated)`);
  return files.map((f) => path.resolve(f));
}

/** Reads the configuration from environment variables; throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.TRUCELINE_DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'truceline.db')}`;
  return {
    databaseUrl,
    dataDir,
    port: intFrom(env, 'PORT', 8080, 0, 65535),
    host: env.HOST ?? '127.0.0.1',
    logLevel: logLevelFrom(env),
    secureCookies: env.TRUCELINE_INSECURE_COOKIES !== '1',
    rateLimitPerMinute: intFrom(env, 'TRUCELINE_RATE_LIMIT', 6000, 1, 10_000_000),
    passwordCostN: intFrom(env, 'TRUCELINE_SCRYPT_N', 1 << 15, 1 << 10, 1 << 20),
    sessionTtlHours: intFrom(env, 'TRUCELINE_SESSION_HOURS', 12, 1, 24 * 30),
    bodyLimitBytes: intFrom(env, 'TRUCELINE_BODY_LIMIT', 1024 * 1024, 1024, 512 * 1024 * 1024),
    logKeyFile: path.resolve(env.TRUCELINE_LOG_KEY_FILE ?? path.join(dataDir, 'log-signer.key')),
    ...(env.TRUCELINE_LOG_ORIGIN ? { logOrigin: env.TRUCELINE_LOG_ORIGIN } : {}),
    secretsKeyFile: path.resolve(env.TRUCELINE_SECRETS_KEY_FILE ?? path.join(dataDir, 'secrets.key')),
    webhookAllowPrivate: env.TRUCELINE_WEBHOOK_ALLOW_PRIVATE === '1',
    eventHeartbeatMs: intFrom(env, 'TRUCELINE_EVENT_HEARTBEAT_MS', 15_000, 100, 3_600_000),
    eventPublicStreams: intFrom(env, 'TRUCELINE_EVENT_PUBLIC_STREAMS', 200, 0, 100_000),
    ...(env.TRUCELINE_BASEMAP_PMTILES ? { basemapPmtiles: path.resolve(env.TRUCELINE_BASEMAP_PMTILES) } : {}),
    placeNamesFiles: filesFrom(env, 'TRUCELINE_PLACE_NAMES'),
    ...(env.TRUCELINE_TRUST_PROXY
      ? { trustProxy: proxiesFrom('TRUCELINE_TRUST_PROXY', env.TRUCELINE_TRUST_PROXY) }
      : {}),
  };
}

/** Comma-separated addresses or CIDR ranges (`10.0.0.0/8,2001:db8::1`); a bad one is named. */
function proxiesFrom(name: string, raw: string): string[] {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = net.isIP(address);
    const validBits =
      bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !validBits || rest.length > 0)
      throw new ConfigError(`${name}: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`);
  }
  return entries;
}
