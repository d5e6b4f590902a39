import type { Actor } from '../access/audit.service.js';
import { generateReports, type GeneratorOptions } from './generator.js';
import type { IntakeItem } from './report.intake.js';
import type { IntakeResult, ReportService } from './report.service.js';

/**
 * Fills the database with generated reports through the normal intake (validated, classified,
 * stored, logged), against the agreement version in force at `end` (default: now, by the service's
 * clock). Re-running with the same seed changes nothing (external ids are stable).
 */
export async function fillDemoReports(
  reports: ReportService,
  actor: Actor,
  count: number,
  options: Partial<GeneratorOptions> & {
    onChunk?: (done: number, result: IntakeResult) => void;
    chunkSize?: number;
  } = {},
): Promise<IntakeResult> {
  const end = options.end ?? reports.now().getTime();
  await reports.timeline.refresh();
  const ctx = reports.timeline.at(end);
  if (ctx === undefined) throw new Error('no agreement is loaded: load one before generating demo reports');
  const start = Math.max(options.start ?? end - 90 * 86_400_000, ctx.entryIntoForce ?? -Infinity);
  const size = options.chunkSize ?? reports.settings.chunkSize;
  const generator = generateReports(ctx, count, {
    seed: options.seed ?? 1,
    start,
    end,
    idPrefix: options.idPrefix ?? `demo${options.seed ?? 1}`,
  });
  function* chunks(): Generator<IntakeItem[]> {
    let chunk: IntakeItem[] = [];
    let n = 0;
    for (const input of generator) {
      chunk.push({ input, path: `/generated/${n}` });
      n += 1;
      if (chunk.length >= size) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  return reports.ingest(actor, chunks(), {
    externalSystem: 'demo',
    marking: 'GREEN',
    // Generated positions near the edge of the region may fall outside it: keep the rest.
    applyGood: true,
    listOutcomes: false,
    bulk: true,
    ...(options.onChunk !== undefined ? { onChunk: options.onChunk } : {}),
  });
}
