/**
 * Typed access to `tlog-test-vectors.json` (published RFC 6962 / C2SP vectors, see its `sources`),
 * for the ledger unit tests only.
 */
import { readFileSync } from 'node:fs';

/** An inclusion proof vector (0-based leaf index, hex hashes). */
export interface InclusionVector {
  leaf_index: number;
  tree_size: number;
  leaf_hash: string;
  root: string;
  path: string[];
}

/** A consistency proof vector (hex hashes). */
export interface ConsistencyVector {
  first: number;
  second: number;
  first_root: string;
  second_root: string;
  path: string[];
}

/** A transparency-dev/merkle inclusion probe; `want_error` means a verifier must reject it. */
export interface InclusionProbe extends InclusionVector {
  file: string;
  desc: string;
  want_error: boolean;
}

/** A transparency-dev/merkle consistency probe. */
export interface ConsistencyProbe {
  file: string;
  desc: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  path: string[];
  want_error: boolean;
}

/** The whole vectors file. */
export interface TlogVectors {
  _about: string;
  sources: Record<string, string>;
  hashing: { empty_tree_root: string };
  reference_tree: {
    leaves_hex: string[];
    leaf_hashes: string[];
    node_hashes_by_level: string[][];
    roots_by_size: Record<string, string>;
  };
  published_inclusion_proofs: InclusionVector[];
  published_consistency_proofs: ConsistencyVector[];
  generated_all_inclusion_proofs_8_leaf: { proofs: InclusionVector[] };
  generated_all_consistency_proofs_8_leaf: { proofs: ConsistencyVector[] };
  transparency_dev_testdata: { inclusion: InclusionProbe[]; consistency: ConsistencyProbe[] };
  signed_notes: [
    {
      vkey: string;
      key_name: string;
      key_id_hex: string;
      public_key_hex: string;
      note_utf8: string;
      note_hex: string;
      text_signed_hex: string;
    },
    {
      vkeys: [string, string];
      signer_key_go_format: string;
      ed25519_seed_hex: string;
      note_utf8: string;
      text_signed_hex: string;
    },
    {
      log_seed_label: string;
      log_ed25519_seed_hex: string;
      witness_seed_label: string;
      witness_ed25519_seed_hex: string;
      log_vkey: string;
      witness_vkey_cosignature_v1: string;
      checkpoint_body: string;
      cosignature_signed_message: string;
      cosignature_timestamp: number;
      note_utf8: string;
      note_hex: string;
    },
  ];
  tlog_tiles: {
    path_element_vectors: { n: number; expect: string }[];
    tiles_for_size_70000: {
      level: number;
      full_tiles: number;
      partial_width: number;
      partial_path: string | null;
    }[];
    tiles_for_size_256: {
      level: number;
      full_tiles: number;
      partial_width: number;
      partial_path: string | null;
    }[];
    level0_tile_for_8_leaf_reference_tree: { path: string; bytes_hex: string };
    entry_bundle_for_8_leaf_reference_tree: { path: string; bytes_hex: string };
  };
}

/** Parsed vectors (a fresh object per call, so tests cannot share mutations). */
export function loadVectors(): TlogVectors {
  const url = new URL('./tlog-test-vectors.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as TlogVectors;
}

/** Hex to Buffer. */
export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}

/** Deterministic PRNG (mulberry32) for property tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max] from a PRNG. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
