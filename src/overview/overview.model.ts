/**
 * The overview's figures and the rule that guards the records a reader may not see in detail.
 * Pure: no I/O, so the rule is tested on its own (overview.model.test.ts) and read in one place.
 *
 * Every count is split in two. `visible` counts records the reader may see in detail (the markings
 * decide, in SQL, through `visibleTo`); it is exact, since the reader could count them anyway.
 * `restricted` counts the others, published only in bands of `MIN_CELL`: the figure is the band's
 * lower bound (0 means "fewer than MIN_CELL, possibly none"; 5 means "5 to 9"). Because each
 * restricted figure moves only when its own cell crosses a multiple of MIN_CELL, adding or removing
 * one marked report leaves every published figure unchanged unless its cell reaches the next band,
 * and no subtraction across totals, days, categories or sectors recovers an exact count below
 * MIN_CELL (every figure carries an uncertainty of MIN_CELL − 1). Derived figures (the 7-day mean)
 * are computed from published figures only.
 */

/** The minimum cell size: restricted counts are published in bands this wide. */
export const MIN_CELL = 5;

/** One published count. */
export interface Cell {
  /** Records the reader may see in detail: exact. */
  visible: number;
  /** Records the reader may not see: the lower bound of a band of MIN_CELL (0: fewer than MIN_CELL). */
  restricted: number;
}

/** The band's lower bound a restricted count is published as. */
export function band(count: number, k: number = MIN_CELL): number {
  return Math.floor(count / k) * k;
}

/** A tally of visible and restricted records, exact: never leaves the service unbanded. */
export class Tally {
  visible = 0;
  restricted = 0;
  add(visible: boolean): void {
    if (visible) this.visible += 1;
    else this.restricted += 1;
  }
  publish(k: number = MIN_CELL): Cell {
    return { visible: this.visible, restricted: band(this.restricted, k) };
  }
}

/** A key for day × dimension tallies. */
export class Tallies {
  readonly #map = new Map<string, Tally>();
  at(day: string, key: string): Tally {
    const id = `${day}\u0000${key}`;
    let t = this.#map.get(id);
    if (t === undefined) {
      t = new Tally();
      this.#map.set(id, t);
    }
    return t;
  }
  publish(day: string, key: string, k: number = MIN_CELL): Cell {
    return this.#map.get(`${day}\u0000${key}`)?.publish(k) ?? { visible: 0, restricted: 0 };
  }
}

/** The mean of published cells (a derived figure: it uses published figures only). */
export function meanOf(cells: readonly Cell[]): { visible: number; restricted: number } {
  if (cells.length === 0) return { visible: 0, restricted: 0 };
  const sum = cells.reduce(
    (s, c) => ({ visible: s.visible + c.visible, restricted: s.restricted + c.restricted }),
    {
      visible: 0,
      restricted: 0,
    },
  );
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return { visible: round1(sum.visible / cells.length), restricted: round1(sum.restricted / cells.length) };
}

/** `YYYY-MM-DD` `n` days after `day` (negative: before), on the calendar. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The days from `first` to `last`, inclusive. */
export function daysFrom(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The bucket of a report judged under an agreement version the reader may not read. */
export const UNDISCLOSED = '_undisclosed';
/** The bucket of a report outside every sector of the reader's agreement. */
export const NO_SECTOR = '_none';
/** The bucket of every report of a day (the day's total). */
export const ALL = '_all';
/** The bucket of the reports of a day whose classification found possible violations. */
export const FLAGGED = '_flagged';
