/**
 * The one error type thrown by the transparency-log core.
 *
 * The core is pure (no HTTP), so it carries a machine-readable `code` and leaves the mapping to an
 * HTTP status (or a CLI exit code) to the caller.
 */
export type LedgerErrorCode =
  /** A caller passed an argument outside the documented domain (wrong hash length, unsafe integer…). */
  | 'invalid-argument'
  /** A value cannot be serialised as RFC 8785 canonical JSON. */
  | 'not-canonical-json'
  /** A verifier key, signer key or cosigner key string is malformed. */
  | 'malformed-key'
  /** A signed note violates the c2sp.org/signed-note format. */
  | 'malformed-note'
  /** A signature from a known key failed to verify (the whole note is rejected). */
  | 'invalid-signature'
  /** No signature from a known key is present in the note. */
  | 'unverified-note'
  /** A checkpoint body violates c2sp.org/tlog-checkpoint. */
  | 'malformed-checkpoint'
  /** A checkpoint's origin is not the one the caller expected. */
  | 'origin-mismatch'
  /** A tile path, tile or entry bundle violates c2sp.org/tlog-tiles. */
  | 'malformed-tile'
  /** A tlog-proof receipt violates c2sp.org/tlog-proof. */
  | 'malformed-receipt'
  /** A Merkle inclusion or consistency proof does not verify. */
  | 'invalid-proof'
  /** Fewer witness cosignatures verified than the policy requires. */
  | 'quorum-not-met'
  /** A tlog-witness request body is malformed. */
  | 'malformed-request';

/** Error thrown by every parser and verifier in `src/ledger`. */
export class LedgerError extends Error {
  /** Machine-readable reason; stable across releases. */
  readonly code: LedgerErrorCode;

  /**
   * @param code - machine-readable reason
   * @param message - human-readable detail (never contains secret key material)
   */
  constructor(code: LedgerErrorCode, message: string) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
  }
}
