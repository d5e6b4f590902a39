/**
 * A c2sp.org/tlog-witness server: `POST /add-checkpoint` over a witness directory (see
 * `witness.state.ts`). The decision is {@link addCheckpoint}'s; this module adds what the spec asks of
 * the server around it: requests are handled one at a time, and on success the new size is stored
 * (atomically, and only if the stored size is still the one the request was checked against) before
 * the cosignature is returned.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Cosigner } from './cosignature.js';
import { ed25519Verifier, parseNote } from './note.js';
import { addCheckpoint, TLOG_SIZE_CONTENT_TYPE, type WitnessLogConfig } from './witness-core.js';
import {
  commitWitnessState,
  loadCosigner,
  readTrustedLogs,
  readWitnessState,
  StaleWitnessStateError,
} from './witness.state.js';

/** Options of {@link buildWitnessServer}. */
export interface WitnessServerOptions {
  /** The witness directory (key, trusted logs, state). */
  readonly dir: string;
  /** Wall clock; cosignature timestamps are its POSIX seconds. */
  readonly now?: () => Date;
  readonly logger?: FastifyServerOptions['logger'];
}

/** A request body never needs more: 63 proof lines and a checkpoint with 100 signature lines. */
const BODY_LIMIT = 64 * 1024;

/**
 * Builds the witness HTTP server (not listening yet). The key is read once; trusted logs and state are
 * read per request, so `witness add-log` takes effect without a restart.
 */
export async function buildWitnessServer(options: WitnessServerOptions): Promise<FastifyInstance> {
  const { dir } = options;
  const now = options.now ?? (() => new Date());
  const cosigner = await loadCosigner(dir);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const serialise = serialiser();

  app.post('/add-checkpoint', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const result = await serialise(() => decide(dir, cosigner, body, now()));
    if (result.status >= 400)
      request.log.info({ status: result.status, reason: result.body.trim() }, 'rejected');
    return reply.status(result.status).type(result.contentType).send(result.body);
  });
  app.get('/', (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${cosigner.verifierKey}\n`),
  );
  return app;
}

async function decide(
  dir: string,
  cosigner: Cosigner,
  body: Buffer,
  now: Date,
): Promise<{ status: number; contentType: string; body: string }> {
  const logs = await readTrustedLogs(dir);
  const origin = originOf(body);
  const log = origin === undefined ? undefined : logs.find((l) => l.origin === origin);
  const seen = log === undefined ? undefined : await readWitnessState(dir, log.origin);
  const config: WitnessLogConfig | undefined = log && {
    verifiers: log.vkeys.map((k) => ed25519Verifier(k)),
    state: seen,
  };
  const result = addCheckpoint(body, {
    lookupLog: (o) => (o === log?.origin ? config : undefined),
    cosigners: [cosigner],
    now: Math.floor(now.getTime() / 1000),
  });
  if (result.status !== 200 || result.newState === undefined) return result;
  try {
    await commitWitnessState(dir, result.newState.origin, seen?.size ?? 0, result.newState, now);
  } catch (err) {
    if (!(err instanceof StaleWitnessStateError)) throw err;
    return { status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: `${err.storedSize}\n` };
  }
  return result;
}

/** The origin line of the checkpoint in an add-checkpoint body, if it can be found. */
function originOf(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  const blank = text.indexOf('\n\n');
  if (blank < 0) return undefined;
  try {
    const note = parseNote(text.slice(blank + 2));
    return note.text.slice(0, note.text.indexOf('\n'));
  } catch {
    return undefined;
  }
}

/** Runs async jobs one after another, in arrival order. */
function serialiser(): <T>(job: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const run = tail.then(job, job);
    tail = run.catch(() => undefined);
    return run;
  };
}
