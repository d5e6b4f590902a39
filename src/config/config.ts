import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  databaseUrl: string;
  dataDir: string;
  port: number;
  host: string;
  logLevel: string;
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
  /** The log's origin line (also its key name) when a key is created, e.g. "jmvc.example.org/log". */
  logOrigin: string;
  /** Let webhooks target private and loopback addresses (closed networks, tests); off by default. */
  webhookAllowPrivate: boolean;
  /** Milliseconds between heartbeat comments on an open event stream. */
  eventHeartbeatMs: number;
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

/** Reads the configuration from environment variables; throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.TRUCELINE_DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'truceline.db')}`;
  return {
    databaseUrl,
    dataDir,
    port: intFrom(env, 'PORT', 8080, 0, 65535),
    host: env.HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.TRUCELINE_INSECURE_COOKIES !== '1',
    rateLimitPerMinute: intFrom(env, 'TRUCELINE_RATE_LIMIT', 6000, 1, 10_000_000),
    passwordCostN: intFrom(env, 'TRUCELINE_SCRYPT_N', 1 << 15, 1 << 10, 1 << 20),
    sessionTtlHours: intFrom(env, 'TRUCELINE_SESSION_HOURS', 12, 1, 24 * 30),
    bodyLimitBytes: intFrom(env, 'TRUCELINE_BODY_LIMIT', 1024 * 1024, 1024, 512 * 1024 * 1024),
    logKeyFile: path.resolve(env.TRUCELINE_LOG_KEY_FILE ?? path.join(dataDir, 'log-signer.key')),
    logOrigin: env.TRUCELINE_LOG_ORIGIN ?? 'truceline.invalid/log',
    webhookAllowPrivate: env.TRUCELINE_WEBHOOK_ALLOW_PRIVATE === '1',
    eventHeartbeatMs: intFrom(env, 'TRUCELINE_EVENT_HEARTBEAT_MS', 15_000, 100, 3_600_000),
  };
}
