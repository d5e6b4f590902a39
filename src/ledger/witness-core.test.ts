import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import type { Cosigner } from './cosignature.js';
import { generateCosignerKey, parseCosignerKey, verifyCosignature } from './cosignature.js';
import { EMPTY_ROOT, MerkleTree, hashLeaf } from './merkle.js';
import { ed25519Verifier, generateSignerKey, parseSignerKey, signNote } from './note.js';
import type { AddCheckpointContext, WitnessState } from './witness-core.js';
import {
  TLOG_SIZE_CONTENT_TYPE,
  addCheckpoint,
  formatAddCheckpointRequest,
  parseAddCheckpointRequest,
} from './witness-core.js';

const ORIGIN = 'truceline.example/log';
const NOW = 1_750_000_000;
const seed = (label: string): Buffer => createHash('sha256').update(label).digest();

function buildTree(size: number, fork = ''): MerkleTree {
  const tree = new MerkleTree();
  for (let i = 0; i < size; i += 1) tree.append(hashLeaf(Buffer.from(`${fork}entry ${i}`)));
  return tree;
}

/** A log key, a witness key, and helpers; fresh per test. */
function fixture(state?: WitnessState) {
  const log = parseSignerKey(generateSignerKey(ORIGIN, seed('witness log')).signerKey);
  const witness = parseCosignerKey(generateCosignerKey('witness.example/w1', seed('witness key')).signerKey);
  const checkpointNote = (size: number, rootHash: Buffer, signer = log): string =>
    signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash }), [signer]);
  const context = (cosigners: readonly Cosigner[] = [witness]): AddCheckpointContext => ({
    lookupLog: (origin) =>
      origin === ORIGIN ? { verifiers: [ed25519Verifier(log.verifierKey)], state } : undefined,
    cosigners,
    now: NOW,
  });
  return { log, witness, checkpointNote, context };
}

const stateOf = (tree: MerkleTree, size: number): WitnessState => ({ size, rootHash: tree.root(size) });

describe('add-checkpoint request format', () => {
  it('parses the tlog-witness spec example', () => {
    const body = [
      'old 20852014',
      'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=',
      'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=',
      '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=',
      '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
      '',
      'example.com/behind-the-sofa',
      '20852163',
      'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
      '',
      '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=',
      '',
    ].join('\n');
    const request = parseAddCheckpointRequest(body);
    expect(request.oldSize).toBe(20852014);
    expect(request.proof).toHaveLength(4);
    expect(request.checkpointNote.startsWith('example.com/behind-the-sofa\n20852163\n')).toBe(true);
  });

  it('round-trips through formatAddCheckpointRequest', () => {
    const { checkpointNote } = fixture();
    const tree = buildTree(9);
    const text = formatAddCheckpointRequest(5, tree.consistencyProof(5, 9), checkpointNote(9, tree.root()));
    expect(parseAddCheckpointRequest(Buffer.from(text))).toEqual({
      oldSize: 5,
      proof: tree.consistencyProof(5, 9),
      checkpointNote: checkpointNote(9, tree.root()),
    });
  });
});

describe('addCheckpoint', () => {
  it('cosigns the first checkpoint of a log it never saw (old 0, empty proof)', () => {
    const { witness, checkpointNote, context } = fixture();
    const tree = buildTree(8);
    const result = addCheckpoint(
      formatAddCheckpointRequest(0, [], checkpointNote(8, tree.root())),
      context(),
    );
    expect(result.status).toBe(200);
    expect(result.newState).toEqual({ origin: ORIGIN, size: 8, rootHash: tree.root() });
    const body = formatCheckpoint({ origin: ORIGIN, size: 8, rootHash: tree.root() });
    expect(verifyCosignature(body, result.body, witness.verifierKey).timestamp).toBe(NOW);
  });

  it('cosigns a checkpoint consistent with the stored one, with one line per witness key', () => {
    const tree = buildTree(20);
    const { checkpointNote, context, witness } = fixture(stateOf(tree, 8));
    const second = parseCosignerKey(generateCosignerKey('witness.example/w2', seed('second')).signerKey);
    const body = formatAddCheckpointRequest(8, tree.consistencyProof(8, 20), checkpointNote(20, tree.root()));
    const result = addCheckpoint(body, context([witness, second]));
    expect(result.status).toBe(200);
    expect(result.body.split('\n').filter(Boolean)).toHaveLength(2);
    expect(result.newState?.size).toBe(20);
  });

  it('answers 409 with the stored size when old does not match it', () => {
    const tree = buildTree(20);
    const { checkpointNote, context } = fixture(stateOf(tree, 8));
    for (const old of [0, 5, 9]) {
      const body = formatAddCheckpointRequest(
        old,
        tree.consistencyProof(old, 20),
        checkpointNote(20, tree.root()),
      );
      const result = addCheckpoint(body, context());
      expect(result).toEqual({ status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: '8\n' });
    }
  });

  it('answers 422 to a tampered consistency proof and stores nothing', () => {
    const tree = buildTree(20);
    const { checkpointNote, context } = fixture(stateOf(tree, 8));
    const proof = tree.consistencyProof(8, 20);
    proof[0] = Buffer.alloc(32, 9);
    const result = addCheckpoint(
      formatAddCheckpointRequest(8, proof, checkpointNote(20, tree.root())),
      context(),
    );
    expect(result.status).toBe(422);
    expect(result.newState).toBeUndefined();
  });

  it('answers 422 to a fork: a valid proof from a different history than the one it cosigned', () => {
    const cosigned = buildTree(8);
    const fork = buildTree(20, 'forked ');
    const { checkpointNote, context } = fixture(stateOf(cosigned, 8));
    const body = formatAddCheckpointRequest(8, fork.consistencyProof(8, 20), checkpointNote(20, fork.root()));
    expect(addCheckpoint(body, context()).status).toBe(422);
  });

  it('answers 422 to a non-empty proof from size 0', () => {
    const tree = buildTree(8);
    const { checkpointNote, context } = fixture();
    const body = formatAddCheckpointRequest(0, [tree.root(4)], checkpointNote(8, tree.root()));
    expect(addCheckpoint(body, context()).status).toBe(422);
  });

  it('cosigns an empty log only with the empty-tree root', () => {
    const { checkpointNote, context } = fixture();
    expect(
      addCheckpoint(formatAddCheckpointRequest(0, [], checkpointNote(0, EMPTY_ROOT)), context()).status,
    ).toBe(200);
    const bad = addCheckpoint(
      formatAddCheckpointRequest(0, [], checkpointNote(0, Buffer.alloc(32))),
      context(),
    );
    expect(bad.status).toBe(422);
  });

  it('handles equal sizes: same root → 200, other root → 409, non-empty proof → 422', () => {
    const tree = buildTree(20);
    const { checkpointNote, context } = fixture(stateOf(tree, 20));
    const same = formatAddCheckpointRequest(20, [], checkpointNote(20, tree.root()));
    expect(addCheckpoint(same, context()).status).toBe(200);
    const other = formatAddCheckpointRequest(20, [], checkpointNote(20, buildTree(20, 'x').root()));
    expect(addCheckpoint(other, context())).toEqual({
      status: 409,
      contentType: TLOG_SIZE_CONTENT_TYPE,
      body: '20\n',
    });
    const withProof = formatAddCheckpointRequest(20, [tree.root()], checkpointNote(20, tree.root()));
    expect(addCheckpoint(withProof, context()).status).toBe(422);
  });

  it('answers 400 when old exceeds the checkpoint size', () => {
    const tree = buildTree(8);
    const { checkpointNote, context } = fixture(stateOf(tree, 8));
    expect(
      addCheckpoint(formatAddCheckpointRequest(9, [], checkpointNote(8, tree.root())), context()).status,
    ).toBe(400);
  });

  it('answers 404 to an unknown origin', () => {
    const { context } = fixture();
    const other = parseSignerKey(generateSignerKey('other.example/log', seed('other')).signerKey);
    const note = signNote(formatCheckpoint({ origin: 'other.example/log', size: 0, rootHash: EMPTY_ROOT }), [
      other,
    ]);
    expect(addCheckpoint(formatAddCheckpointRequest(0, [], note), context()).status).toBe(404);
  });

  it('answers 403 without a trusted signature or with a failing one', () => {
    const tree = buildTree(8);
    const { checkpointNote, context } = fixture();
    const impostor = parseSignerKey(generateSignerKey(ORIGIN, seed('impostor')).signerKey);
    const unsigned = formatAddCheckpointRequest(0, [], checkpointNote(8, tree.root(), impostor));
    expect(addCheckpoint(unsigned, context()).status).toBe(403);
    const forged = formatAddCheckpointRequest(0, [], checkpointNote(8, tree.root())).replace(
      '\n8\n',
      '\n9\n',
    );
    expect(addCheckpoint(forged, context()).status).toBe(403);
  });

  const tree8 = buildTree(8);
  const { checkpointNote } = fixture();
  const note = checkpointNote(8, tree8.root());
  const hash = Buffer.alloc(32).toString('base64');
  const malformed: [string, string][] = [
    ['no empty line', `old 0\n`],
    ['a missing old line', `\n${note}`],
    ['a leading zero in old', `old 00\n\n${note}`],
    ['a negative old', `old -1\n\n${note}`],
    ['"Old" capitalised', `Old 0\n\n${note}`],
    ['a 31-byte proof line', `old 0\n${Buffer.alloc(31).toString('base64')}\n\n${note}`],
    ['64 proof lines', `old 0\n${`${hash}\n`.repeat(64)}\n${note}`],
    ['a malformed note', `old 0\n\n${note.replace('\u2014', '-')}`],
    ['a malformed checkpoint body', `old 0\n\n${note.replace('\n8\n', '\n08\n')}`],
  ];
  it.each(malformed)('answers 400 to a body with %s', (_name, body) => {
    const result = addCheckpoint(body, fixture().context());
    expect(result.status).toBe(400);
    expect(result.newState).toBeUndefined();
  });

  it('answers 400 to a body that is not valid UTF-8', () => {
    const body = Buffer.concat([Buffer.from(`old 0\n\n${note}`), Buffer.from([0xff])]);
    expect(addCheckpoint(body, fixture().context()).status).toBe(400);
  });

  it('refuses to run without a cosigner or a positive time', () => {
    const { context } = fixture();
    expect(() => addCheckpoint('', context([]))).toThrow(/cosigner/);
    expect(() => addCheckpoint('', { ...context(), now: 0 })).toThrow(/positive time/);
  });
});
