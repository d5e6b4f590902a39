import type { ReportView } from '../report.view.js';

/**
 * What every export carries about a report besides what was filed: its marking (the TLP level and
 * the STRICT flag apart, as the reader of a file filters on them), the agreement's category (mapped
 * from ACLED or SMM codes when the filer gave none), the external system and id it is known by, and
 * its grade. All of it as the viewer sees the report (`reportFor`): a category of a version the
 * viewer may not read is left empty, the grade is the one the viewer is shown.
 */
export interface ReportFacts {
  /** The TLP level: CLEAR, GREEN, AMBER or RED. */
  tlp: string;
  /** Whether the marking is AMBER+STRICT (only the owner organisation, not its clients). */
  strict: boolean;
  category: string | undefined;
  externalSystem: string | undefined;
  externalId: string | undefined;
  /** Source reliability and information credibility, e.g. "B3". */
  grade: string;
}

/** The facts of one report, as its viewer may see them. */
export function reportFacts(report: ReportView): ReportFacts {
  return {
    tlp: report.marking.replace('+STRICT', ''),
    strict: report.marking.endsWith('+STRICT'),
    category: report.category,
    externalSystem: report.externalSystem,
    externalId: report.externalId,
    grade: `${report.grade.reliability}${report.grade.credibility}`,
  };
}

/** The facts as CSV columns (Truceline CSV and ACLED exports); imports ignore them. */
export const FACT_COLUMNS = [
  'tlp',
  'tlp_strict',
  'report_category',
  'report_external_system',
  'report_external_id',
  'grade',
] as const;

/** The facts of a report as the cells of FACT_COLUMNS. */
export function factCells(report: ReportView): string[] {
  const f = reportFacts(report);
  return [
    f.tlp,
    f.strict ? 'true' : 'false',
    f.category ?? '',
    f.externalSystem ?? '',
    f.externalId ?? '',
    f.grade,
  ];
}
