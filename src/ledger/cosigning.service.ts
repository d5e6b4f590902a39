/**
 * The log's side of c2sp.org/tlog-witness: asks every witness in `log_witnesses` that has a URL to
 * cosign the latest checkpoint, checks the cosignature with the witness's vkey and stores it, so
 * `LogReader.checkpoint()` (and every receipt) carries it.
 *
 * Run by the sequencer after each integration and every `retryMs` (a witness that was down, or one
 * added while the server runs, catches up). Failures are reported to `onError` and never block
 * integration: a checkpoint is published signed by the log alone and gains cosignatures as they come.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { parseCheckpoint } from './checkpoint.js';
import { verifyCosignature } from './cosignature.js';
import { parseDecimal } from './encoding.js';
import {
  cosignaturesAt,
  insertCosignature,
  lastCosignedSize,
  latestCheckpoint,
  listWitnesses,
} from './ledger.repository.js';
import { parseNote } from './note.js';
import { formatAddCheckpointRequest } from './witness-core.js';

/** What the cosigner needs of the log: its tree, for consistency proofs. */
export interface CosigningLog {
  readonly size: number;
  refresh(): Promise<void>;
  consistencyProof(first: number, second: number): Buffer[];
}

/** Tuning of {@link CosigningService}. */
export interface CosigningOptions {
  /** Per-request timeout (Tessera's default is 1 s; witnesses on other continents need more). */
  readonly timeoutMs?: number;
  /** Least time between two rounds when the log has not grown. */
  readonly retryMs?: number;
  readonly onError?: (err: CosigningError) => void;
}

/** One witness's answer in a round. */
export interface CosignOutcome {
  readonly witness: string;
  readonly size: number;
  readonly status: 'cosigned' | 'up-to-date' | 'failed';
  readonly reason?: string;
}

/** A failed cosigning attempt; the message names the witness and the cause. */
export class CosigningError extends Error {
  override name = 'CosigningError';
}

interface Witness {
  readonly name: string;
  readonly vkey: string;
  readonly url: string;
}

/** Collects witness cosignatures for the latest checkpoint (see the module comment). */
export class CosigningService {
  #round: Promise<CosignOutcome[]> | undefined;
  /** The log grew while a round ran: run another one when it ends. */
  #again = false;
  #lastRound = 0;
  readonly #timeoutMs: number;
  readonly #retryMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: CosigningLog,
    private readonly now: () => Date,
    private readonly options: CosigningOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retryMs = options.retryMs ?? 10_000;
  }

  /**
   * Starts a round in the background if the log grew or `retryMs` passed; if one is running and the
   * log grew, another follows it.
   */
  poke(grew: boolean): void {
    if (this.#round !== undefined) {
      this.#again ||= grew;
      return;
    }
    if (!grew && Date.now() - this.#lastRound < this.#retryMs) return;
    void this.runOnce();
  }

  /** Waits for the round in flight, if any. */
  async idle(): Promise<void> {
    await this.#round;
  }

  /** Runs one round now (or joins the one in flight) and returns each witness's outcome. */
  runOnce(): Promise<CosignOutcome[]> {
    this.#lastRound = Date.now();
    this.#round ??= this.#run()
      .catch((err: unknown) => {
        this.#report(`cosigning failed: ${(err as Error).message}`);
        return [];
      })
      .finally(() => {
        this.#round = undefined;
        if (this.#again) {
          this.#again = false;
          void this.runOnce();
        }
      });
    return this.#round;
  }

  async #run(): Promise<CosignOutcome[]> {
    const witnesses = (await listWitnesses(this.db)).filter((w): w is Witness => w.url !== null);
    if (witnesses.length === 0) return [];
    const checkpoint = await latestCheckpoint(this.db);
    if (checkpoint === undefined) return [];
    const cosigned = new Set((await cosignaturesAt(this.db, checkpoint.size)).map((c) => c.witness));
    if (this.log.size < checkpoint.size) await this.log.refresh();
    return Promise.all(
      witnesses.map(async (witness): Promise<CosignOutcome> => {
        const outcome = { witness: witness.name, size: checkpoint.size };
        if (cosigned.has(witness.name)) return { ...outcome, status: 'up-to-date' };
        try {
          await this.#cosign(witness, checkpoint);
          return { ...outcome, status: 'cosigned' };
        } catch (err) {
          const reason = (err as Error).message;
          this.#report(
            `witness ${witness.name} (${witness.url}) did not cosign size ${checkpoint.size}: ${reason}`,
          );
          return { ...outcome, status: 'failed', reason };
        }
      }),
    );
  }

  async #cosign(witness: Witness, checkpoint: { size: number; note: string }): Promise<void> {
    let old = await lastCosignedSize(this.db, witness.name);
    for (let attempt = 0; ; attempt += 1) {
      if (old > checkpoint.size) {
        throw new Error(`the witness has cosigned size ${old}, larger than this log's ${checkpoint.size}`);
      }
      const body = formatAddCheckpointRequest(
        old,
        this.log.consistencyProof(old, checkpoint.size),
        checkpoint.note,
      );
      const response = await this.#post(witness.url, body);
      const text = await response.text();
      if (response.status === 409 && attempt === 0) {
        // The witness has a different latest size for us (say, our record of it was lost): use its.
        const size = parseDecimal(text.trim());
        if (size === undefined) throw new Error(`409 with a malformed size ${JSON.stringify(text)}`);
        old = size;
        continue;
      }
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.trim().slice(0, 200)}`);
      const line = this.#ownLine(witness, checkpoint.note, text);
      await insertCosignature(this.db, checkpoint.size, witness.name, line, this.now().toISOString());
      return;
    }
  }

  /** The one line of the response that is a valid cosignature by this witness's key. */
  #ownLine(witness: Witness, note: string, responseBody: string): string {
    const { text } = parseNote(note);
    parseCheckpoint(text);
    for (const line of responseBody.split('\n').filter((l) => l.length > 0)) {
      try {
        verifyCosignature(text, line, witness.vkey);
        return `${line}\n`;
      } catch {
        // Another key of the same witness, or garbage: keep looking.
      }
    }
    throw new Error(`no cosignature line verifies with ${witness.vkey}`);
  }

  async #post(url: string, body: string): Promise<Response> {
    const target = `${url.replace(/\/+$/, '')}/add-checkpoint`;
    try {
      return await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(`cannot reach ${target}: ${cause ?? (err as Error).message}`);
    }
  }

  #report(message: string): void {
    this.options.onError?.(new CosigningError(message));
  }
}
