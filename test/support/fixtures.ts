import fs from 'node:fs';

/**
 * The illustrative agreement, in force, with its signature fixed so that D (entry into force) is
 * 2026-01-13 Kyiv time: for tests, the benchmark and demos that need reports to be judged.
 */
export function illustrativeAgreementText(signature = '2026-01-10T00:00:00+02:00'): string {
  const text = fs.readFileSync(
    new URL('../../examples/illustrative-framework.yaml', import.meta.url),
    'utf8',
  );
  const fixed = text
    .replace(/^status: draft$/m, 'status: in_force')
    .replace(/( {2}- id: S\n {4}name: Signature\n)/, `$1    at: ${signature}\n`);
  if (!fixed.includes(`at: ${signature}`) || !/^status: in_force$/m.test(fixed))
    throw new Error('examples/illustrative-framework.yaml changed shape: update test/support/fixtures.ts');
  return fixed;
}
