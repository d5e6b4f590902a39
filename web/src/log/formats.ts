/**
 * Reading the log's text formats in the browser: C2SP signed notes and checkpoints, and tlog-proof
 * receipts. Only parsing here; what the browser can check is in verify.ts.
 */

export interface NoteSignature {
  name: string;
  /** First four bytes of the signature blob: the key id (hex). */
  keyId: string;
  signature: string;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: string;
  extensions: string[];
  signatures: NoteSignature[];
  /** The note text as received. */
  note: string;
}

export interface ParsedReceipt {
  index: number;
  proof: string[];
  extra?: string;
  checkpoint: Checkpoint;
}

export class FormatError extends Error {
  override name = 'FormatError';
}

function base64ToBytes(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** Parses a signed checkpoint note: origin, size, root hash, extension lines, then "— name sig" lines. */
export function parseCheckpoint(note: string): Checkpoint {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new FormatError('the checkpoint has no blank line before its signatures');
  const body = note.slice(0, split).split('\n');
  const [origin, sizeText, rootHash, ...extensions] = body;
  if (!origin || !sizeText || !rootHash)
    throw new FormatError('the checkpoint needs origin, size and root hash lines');
  if (!/^(0|[1-9]\d*)$/.test(sizeText))
    throw new FormatError(`the size line is not a decimal number: ${sizeText}`);
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2).split('\n')) {
    if (line === '') continue;
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new FormatError(`not a signature line: ${line}`);
    const bytes = base64ToBytes(m[2]!);
    const keyId = Array.from(bytes.slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    signatures.push({ name: m[1]!, keyId, signature: m[2]! });
  }
  return { origin, size: Number(sizeText), rootHash, extensions, signatures, note };
}

/** Parses a c2sp.org/tlog-proof@v1 receipt. */
export function parseReceipt(text: string): ParsedReceipt {
  const normalised = text.replace(/\r\n/g, '\n').replace(/^\s+/, '');
  const blank = normalised.indexOf('\n\n');
  if (blank < 0) throw new FormatError('a receipt needs an empty line before its checkpoint');
  const lines = normalised.slice(0, blank).split('\n');
  if (lines.shift() !== 'c2sp.org/tlog-proof@v1')
    throw new FormatError('the first line must be c2sp.org/tlog-proof@v1');
  let extra: string | undefined;
  if (lines[0]?.startsWith('extra ')) extra = lines.shift()!.slice(6);
  const indexLine = lines.shift() ?? '';
  const m = /^index (0|[1-9]\d*)$/.exec(indexLine);
  if (!m) throw new FormatError('the second line must be "index <number>"');
  for (const line of lines) {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(line)) throw new FormatError(`not a base64 SHA-256 hash: ${line}`);
  }
  const checkpoint = parseCheckpoint(normalised.slice(blank + 2));
  return { index: Number(m[1]), proof: lines, ...(extra ? { extra } : {}), checkpoint };
}
