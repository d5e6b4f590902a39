/**
 * Whom an audit trusts: the policy file, and the check of a checkpoint's signatures against it.
 *
 * Policy file (a subset of c2sp.org/tlog-policy, one statement a line, `#` starts a comment):
 * ```
 * log <vkey> [url]                 a log key (several after a key rotation)
 * witness [<name>] <vkey> [url]    a witness's cosignature/v1 key
 * quorum <k> | all | none          distinct witnesses that must have cosigned (default: none)
 * ```
 */
import type { Checkpoint } from './checkpoint.js';
import { parseCheckpoint } from './checkpoint.js';
import { cosignatureVerifier } from './cosignature.js';
import { parseDecimal } from './encoding.js';
import { LedgerError } from './errors.js';
import type { NoteVerifier } from './note.js';
import { ed25519Verifier, parseNote } from './note.js';

/** An audit found the log wrong; the message names the first bad spot. */
export class AuditFailure extends Error {
  override name = 'AuditFailure';
}

/** A malformed policy file; the message is `FILE:LINE: reason`. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** The keys an audit trusts. */
export interface AuditPolicy {
  /** Log vkeys (type 0x01); the checkpoint must be signed by one of them. */
  readonly logKeys: readonly string[];
  /** Witness vkeys (type 0x04). */
  readonly witnesses: readonly string[];
  /** Distinct witnesses whose cosignature must verify. */
  readonly quorum: number;
}

/** Parses a policy file; `file` only names it in errors. */
export function parseAuditPolicy(text: string, file = 'policy'): AuditPolicy {
  const logKeys: string[] = [];
  const witnesses: string[] = [];
  let quorum: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const fail = (reason: string) => new PolicyError(`${file}:${i + 1}: ${reason}`);
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    const [keyword, ...args] = words;
    if (keyword === undefined) return;
    if (keyword === 'log') {
      const vkey = args[0] ?? '';
      if (!isKey(vkey, ed25519Verifier)) throw fail(`not a log verifier key: ${vkey}`);
      logKeys.push(vkey);
    } else if (keyword === 'witness') {
      const vkey = [args[0], args[1]].find((a) => a !== undefined && isKey(a, cosignatureVerifier));
      if (vkey === undefined) throw fail('witness needs a cosignature/v1 verifier key');
      witnesses.push(vkey);
    } else if (keyword === 'quorum') {
      if (quorum !== undefined) throw fail('a second quorum line');
      quorum = args[0] ?? '';
    } else {
      throw fail(`unknown statement "${keyword}" (expected log, witness or quorum)`);
    }
  });
  if (logKeys.length === 0) throw new PolicyError(`${file}: no "log <vkey>" line`);
  const k =
    quorum === undefined || quorum === 'none'
      ? 0
      : quorum === 'all'
        ? witnesses.length
        : parseDecimal(quorum);
  if (k === undefined) throw new PolicyError(`${file}: quorum must be a number, "all" or "none"`);
  if (k > witnesses.length)
    throw new PolicyError(`${file}: quorum ${k} exceeds the ${witnesses.length} witnesses listed`);
  return { logKeys, witnesses, quorum: k };
}

function isKey(vkey: string, make: (vkey: string) => NoteVerifier): boolean {
  try {
    make(vkey);
    return true;
  } catch {
    return false;
  }
}

/** A checkpoint whose known signatures all verified. */
export interface CheckedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The trusted log vkey that signed it; undefined if none did (a key rotation may explain it). */
  readonly logKey: string | undefined;
  /** Witness vkeys whose cosignature verified. */
  readonly cosignedBy: readonly string[];
  /** Signature lines from keys the audit does not know. */
  readonly unknownLines: number;
}

/**
 * Parses a checkpoint note and checks every signature from a known key.
 *
 * @throws AuditFailure naming the key whose signature fails, or the format problem
 */
export function checkCheckpoint(
  note: string,
  logKeys: readonly string[],
  witnesses: readonly string[],
): CheckedCheckpoint {
  let parsed;
  let checkpoint: Checkpoint;
  try {
    parsed = parseNote(note);
    checkpoint = parseCheckpoint(parsed.text);
  } catch (err) {
    throw new AuditFailure(`checkpoint: ${err instanceof LedgerError ? err.message : String(err)}`);
  }
  const known = [
    ...logKeys.map((vkey) => ({ vkey, verifier: ed25519Verifier(vkey), role: 'log' as const })),
    ...witnesses.map((vkey) => ({ vkey, verifier: cosignatureVerifier(vkey), role: 'witness' as const })),
  ];
  let logKey: string | undefined;
  const cosignedBy = new Set<string>();
  let unknownLines = 0;
  for (const sig of parsed.signatures) {
    const key = known.find((k) => k.verifier.name === sig.name && k.verifier.keyId === sig.keyId);
    if (key === undefined) {
      unknownLines += 1;
      continue;
    }
    if (!key.verifier.verify(parsed.textBytes, sig.signature)) {
      const what = key.role === 'log' ? 'signature' : 'cosignature';
      throw new AuditFailure(`checkpoint: ${what} does not verify with ${key.vkey}`);
    }
    if (key.role === 'log') logKey ??= key.vkey;
    else cosignedBy.add(key.vkey);
  }
  if (logKey !== undefined && parseNameOf(logKey) !== checkpoint.origin) {
    throw new AuditFailure(
      `checkpoint: origin ${JSON.stringify(checkpoint.origin)} is not the name of the log key ${logKey}`,
    );
  }
  return { checkpoint, logKey, cosignedBy: [...cosignedBy], unknownLines };
}

/** @throws AuditFailure unless at least `quorum` distinct witnesses cosigned */
export function checkQuorum(checked: CheckedCheckpoint, policy: AuditPolicy): void {
  const names = new Set(checked.cosignedBy.map(parseNameOf));
  if (names.size < policy.quorum) {
    throw new AuditFailure(
      `checkpoint: cosigned by ${names.size} of the ${policy.quorum} witnesses the policy requires` +
        (policy.witnesses.length > 0 ? ` (known: ${policy.witnesses.map(parseNameOf).join(', ')})` : ''),
    );
  }
}

/** The key name of a vkey (`name+id+key`). */
export function parseNameOf(vkey: string): string {
  return vkey.slice(0, vkey.indexOf('+'));
}
