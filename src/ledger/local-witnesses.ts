/**
 * Witnesses run by the server process itself, on loopback: what the demo uses so that its checkpoints
 * are really cosigned. Each lives in its own witness directory (`witness.state.ts`) under one root,
 * `<dataDir>/witnesses/<name>/`, with its own key and state, and listens on an ephemeral port of
 * 127.0.0.1 that is registered as its URL in `log_witnesses` on every start.
 *
 * In production a party runs its own witness on its own machine (`truceline witness serve`, see
 * docs/transparency-log.md): a witness in the log's own process proves nothing to anyone who does not
 * trust the log operator.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseVerifierKey } from './note.js';
import type { WitnessRegistry } from './witness-registry.service.js';
import { buildWitnessServer } from './witness.server.js';
import { addTrustedLog, initWitnessDir } from './witness.state.js';

/** A witness directory under the root: its key's name and verifier key. */
export interface LocalWitness {
  readonly name: string;
  readonly vkey: string;
  readonly dir: string;
}

/** A local witness listening, and where. */
export interface ListeningWitness extends LocalWitness {
  readonly url: string;
}

/** What {@link startLocalWitnesses} started and what it left out (with the reason). */
export interface LocalWitnesses {
  readonly listening: readonly ListeningWitness[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** Stops every witness server. */
  close(): Promise<void>;
}

/** Options of {@link startLocalWitnesses}. */
export interface StartLocalWitnessesOptions {
  /** The log's current verifier key: each witness trusts it (added beside older ones after a rotation). */
  readonly logVerifierKey: string;
  /** The log's witnesses: a local witness is asked to cosign only if the log names it with this key. */
  readonly registry: WitnessRegistry;
  /** Loopback by default: these witnesses serve only this process. */
  readonly host?: string;
}

const VKEY_FILE = 'witness.vkey';

/** The directory name of a witness: its key name, with characters a path cannot hold replaced. */
export function witnessDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Returns the verifier key of the local witness named `name`, creating its directory and key first
 * if there is none.
 */
export async function ensureLocalWitness(root: string, name: string): Promise<LocalWitness> {
  const dir = path.join(root, witnessDirName(name));
  const existing = await readVkey(dir);
  if (existing !== undefined) return { name: parseVerifierKey(existing).name, vkey: existing, dir };
  const { verifierKey } = await initWitnessDir(dir, name);
  return { name, vkey: verifierKey, dir };
}

/** Every witness directory under `root` (none if it does not exist), by name. */
export async function listLocalWitnesses(root: string): Promise<LocalWitness[]> {
  let names: string[];
  try {
    names = (await fs.readdir(root, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: LocalWitness[] = [];
  for (const entry of names.sort()) {
    const dir = path.join(root, entry);
    const vkey = await readVkey(dir);
    if (vkey !== undefined) found.push({ name: parseVerifierKey(vkey).name, vkey, dir });
  }
  return found;
}

/**
 * Starts every local witness the log names with the same key: each trusts the log's key, listens on
 * an ephemeral loopback port, and that URL becomes its URL in the log's witness list, so the log's
 * cosigning rounds reach it. A witness the log does not name (or names with another key) is skipped.
 */
export async function startLocalWitnesses(
  root: string,
  options: StartLocalWitnessesOptions,
): Promise<LocalWitnesses> {
  const registered = new Map((await options.registry.list()).map((w) => [w.name, w]));
  const servers: FastifyInstance[] = [];
  const listening: ListeningWitness[] = [];
  const skipped: { name: string; reason: string }[] = [];
  try {
    for (const witness of await listLocalWitnesses(root)) {
      const known = registered.get(witness.name);
      if (known?.vkey !== witness.vkey) {
        skipped.push({
          name: witness.name,
          reason: known === undefined ? 'the log does not name it' : 'the log names it with another key',
        });
        continue;
      }
      await addTrustedLog(witness.dir, options.logVerifierKey);
      const server = await buildWitnessServer({ dir: witness.dir });
      servers.push(server);
      const url = await server.listen({ host: options.host ?? '127.0.0.1', port: 0 });
      await options.registry.setUrl(witness.name, url);
      listening.push({ ...witness, url });
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  return { listening, skipped, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

/**
 * Stops the log from asking the local witnesses (their URL is cleared; keys, state and past
 * cosignatures stay): for a start without them. Returns how many the log had a URL for.
 */
export async function detachLocalWitnesses(root: string, registry: WitnessRegistry): Promise<number> {
  const local = new Set((await listLocalWitnesses(root)).map((w) => w.vkey));
  let detached = 0;
  for (const w of await registry.list()) {
    if (w.url === null || !local.has(w.vkey)) continue;
    await registry.setUrl(w.name, null);
    detached += 1;
  }
  return detached;
}

async function readVkey(dir: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path.join(dir, VKEY_FILE), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
