/**
 * Pure core of the Truceline transparency log: RFC 6962/9162 Merkle trees and the C2SP formats
 * (signed-note, tlog-checkpoint, tlog-cosignature, tlog-tiles, tlog-proof, tlog-witness).
 * No I/O: storage, HTTP and the CLI build on these functions.
 */
export * from './canonical-json.js';
export * from './checkpoint.js';
export * from './cosignature.js';
export * from './errors.js';
export * from './merkle.js';
export * from './note.js';
export * from './proof.js';
export * from './tile-reader.js';
export * from './tiles.js';
export * from './witness-core.js';
export { decodeBase64Strict, encodeBase64 } from './encoding.js';
export { MAX_PROOF_LENGTH } from './merkle-verify.js';
