import { describe, expect, it } from 'vitest';
import type { AgreementSource } from './classify.js';
import { AgreementTimeline } from './timeline.js';

/** A source with no agreement loaded that counts its look-ups; `state` is what judgingState answers. */
function countingSource(withState: boolean) {
  const counts = { lookups: 0 };
  let state = 'v1';
  const source: AgreementSource = {
    versionInForceAt: () => {
      counts.lookups += 1;
      return Promise.resolve(undefined);
    },
    listVersions: () => Promise.resolve([]),
    ...(withState ? { judgingState: () => Promise.resolve(state) } : {}),
  };
  return { source, counts, setState: (s: string) => (state = s) };
}

describe('agreement timeline refresh', () => {
  it('reads the versions again only when the judging state changed', async () => {
    const { source, counts, setState } = countingSource(true);
    const timeline = new AgreementTimeline(source);
    await timeline.refresh();
    expect(counts.lookups).toBe(1);
    await timeline.refresh();
    await timeline.refresh();
    expect(counts.lookups).toBe(1);
    setState('v2');
    await timeline.refresh();
    expect(counts.lookups).toBe(2);
  });

  it('reads the versions on every refresh when the source tells no judging state', async () => {
    const { source, counts } = countingSource(false);
    const timeline = new AgreementTimeline(source);
    await timeline.refresh();
    await timeline.refresh();
    expect(counts.lookups).toBe(2);
  });
});
