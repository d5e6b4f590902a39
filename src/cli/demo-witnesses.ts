import path from 'node:path';
import { parse } from 'yaml';
import { detachLocalWitnesses, ensureLocalWitness, startLocalWitnesses } from '../ledger/local-witnesses.js';
import { parseVerifierKey } from '../ledger/note.js';
import type { AppServices } from '../server/context.js';

/** Where the demo's witnesses keep their keys and state: `<dataDir>/witnesses/<name>/`. */
export function demoWitnessRoot(dataDir: string): string {
  return path.join(dataDir, 'witnesses');
}

/**
 * Gives every witness an agreement text names a key of its own under `root` (kept if it exists) and
 * returns the text with those keys in place of the ones it named: the demo's illustrative keys have
 * no private half anywhere, so the log would ask witnesses nobody can run.
 */
export async function withLocalWitnessKeys(text: string, root: string): Promise<string> {
  const doc = parse(text) as { transparency_log?: { witnesses?: { vkey?: unknown }[] } } | null;
  let result = text;
  for (const { vkey } of doc?.transparency_log?.witnesses ?? []) {
    if (typeof vkey !== 'string') continue;
    const local = await ensureLocalWitness(root, parseVerifierKey(vkey).name);
    result = result.split(vkey).join(local.vkey);
  }
  return result;
}

/**
 * Runs the demo's witnesses for this process (or, when `enabled` is false, stops the log from asking
 * them) and returns a line saying what happened and the function that stops them.
 */
export async function runDemoWitnesses(
  services: AppServices,
  enabled: boolean,
): Promise<{ message: string; close: () => Promise<void> }> {
  const root = demoWitnessRoot(services.config.dataDir);
  if (!enabled) {
    const detached = await detachLocalWitnesses(root, services.witnesses);
    return {
      message: `Witnesses off (--no-witnesses)${detached > 0 ? `: the log no longer asks the ${detached} in ${root}` : ''}.`,
      close: () => Promise.resolve(),
    };
  }
  const started = await startLocalWitnesses(root, {
    logVerifierKey: services.ledger.sequencer.signer.verifierKey,
    registry: services.witnesses,
  });
  const lines = [
    ...started.listening.map((w) => `    ${w.name} at ${w.url}`),
    ...started.skipped.map((w) => `    ${w.name} not started: ${w.reason}`),
  ];
  const message =
    started.listening.length + started.skipped.length === 0
      ? ''
      : `Witnesses on loopback, cosigning the log (keys and state in ${root}):\n${lines.join('\n')}`;
  return { message, close: () => started.close() };
}
