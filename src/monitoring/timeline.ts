import type { Marking } from '../access/marking.js';
import { gazetteerFor } from './gazetteer.js';
import {
  NO_DECONFLICTION,
  VersionContext,
  type AgreementSource,
  type DeconflictionLookup,
} from './classify.js';

/**
 * Which agreement version judges which instant: a snapshot of the versions' timeline, taken before
 * an intake opens its transaction (so classification reads no table while it writes). The version
 * in force changes only at a version's entry into force, so walking back from the far future, one
 * look-up per version, gives the whole step function.
 */
export class AgreementTimeline {
  readonly #contexts = new Map<string, VersionContext>();
  readonly #markings = new Map<string, Marking>();
  /** In-force versions, latest entry into force first. */
  #segments: { from: number; ctx: VersionContext }[] = [];
  /** What applies before the first entry into force: a provisional version, or nothing. */
  #before: VersionContext | undefined;
  /** The source's `judgingState` when the timeline was last read (undefined: read it again). */
  #state: string | undefined;

  constructor(
    private readonly source: AgreementSource,
    private readonly deconfliction: DeconflictionLookup = NO_DECONFLICTION,
  ) {}

  async #context(
    loaded: NonNullable<Awaited<ReturnType<AgreementSource['versionInForceAt']>>>,
  ): Promise<VersionContext> {
    this.#markings.set(loaded.info.id, loaded.info.marking);
    const key = `${loaded.info.id}|${loaded.provisional === true ? 'provisional' : 'in-force'}`;
    let ctx = this.#contexts.get(key);
    if (ctx === undefined) {
      const eif = loaded.info.entryIntoForce === null ? undefined : Date.parse(loaded.info.entryIntoForce);
      const g = await gazetteerFor(
        loaded.agreement.region?.bbox as [number, number, number, number] | undefined,
      );
      ctx = new VersionContext(
        loaded.info.id,
        loaded.agreement,
        eif,
        loaded.provisional === true,
        g,
        this.deconfliction,
        loaded.derived,
      );
      this.#contexts.set(key, ctx);
    }
    return ctx;
  }

  /**
   * Re-reads the versions' timeline. Call before each intake: when the source tells its judging
   * state, one query finds the timeline unchanged (the usual case) and nothing more is read.
   */
  async refresh(): Promise<void> {
    const state = await this.source.judgingState?.();
    if (state !== undefined && state === this.#state) return;
    this.#state = undefined;
    const segments: { from: number; ctx: VersionContext }[] = [];
    let t = Date.UTC(9999, 11, 31);
    let before: VersionContext | undefined;
    for (let guard = 0; guard < 10_000; guard++) {
      const loaded = await this.source.versionInForceAt(new Date(t));
      if (loaded === undefined) break;
      const ctx = await this.#context(loaded);
      if (loaded.provisional === true || ctx.entryIntoForce === undefined) {
        before = ctx;
        break;
      }
      segments.push({ from: ctx.entryIntoForce, ctx });
      t = ctx.entryIntoForce - 1;
    }
    this.#segments = segments;
    this.#before = before;
    this.#state = state;
  }

  /** The version for an instant (from the last refresh); undefined before any agreement. */
  at(ms: number): VersionContext | undefined {
    for (const s of this.#segments) if (ms >= s.from) return s.ctx;
    return this.#before;
  }

  /** The marking of a version seen by the last refresh (what a classification against it reveals). */
  markingOf(versionId: string): Marking | undefined {
    return this.#markings.get(versionId);
  }

  /** The version for each instant. */
  resolve(instants: readonly number[]): (VersionContext | undefined)[] {
    return instants.map((ms) => this.at(ms));
  }
}
