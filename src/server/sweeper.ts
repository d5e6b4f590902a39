/**
 * Runs the services' sweeps (what falls due with time: overdue acknowledgements, expiries, conflict
 * re-checks, timeouts) one after another every `intervalMs`, never overlapping; a failing sweep is
 * logged and tried again next round. With `leads`, a round runs only while it says so (the process
 * leads: see `election.ts`). Returns a function that stops it and waits for a running round.
 */
export function startSweeps(
  sweeps: readonly { name: string; run(now: Date): Promise<unknown> }[],
  onError: (name: string, err: unknown) => void,
  now: () => Date = () => new Date(),
  intervalMs = 30_000,
  leads: () => boolean = () => true,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const round = async () => {
    for (const sweep of sweeps) {
      if (stopped) return;
      try {
        await sweep.run(now());
      } catch (err) {
        onError(sweep.name, err);
      }
    }
  };
  const timer = setInterval(() => {
    if (running !== undefined || stopped || !leads()) return;
    running = round().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
