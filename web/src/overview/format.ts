import { formatNumber, t } from '../i18n/index.js';
import type { OverviewCell } from './api.js';

/** A restricted band as text: "<5" below the minimum cell, else "5–9". */
export function bandText(lower: number, k: number): string {
  return lower < k ? `<${k}` : `${formatNumber(lower)}–${formatNumber(lower + k - 1)}`;
}

/** A published cell as text: the exact seen count, and the restricted band beside it ("2 (+<5)"). */
export function cellText(cell: OverviewCell, k: number): string {
  return t('overview.cell', { visible: formatNumber(cell.visible), band: bandText(cell.restricted, k) });
}

/** Whether a row has anything to show beyond "none seen, fewer than k restricted". */
export function hasFigures(cells: readonly OverviewCell[], mean: number): boolean {
  return mean > 0 || cells.some((c) => c.visible > 0 || c.restricted > 0);
}

/** A signed difference ("+3", "−1.5", "±0"). */
export function deltaText(delta: number): string {
  const rounded = Math.round(delta * 10) / 10;
  if (rounded === 0) return '±0';
  return rounded > 0 ? `+${formatNumber(rounded)}` : `−${formatNumber(-rounded)}`;
}

/** An age in seconds as a short text. */
export function ageText(seconds: number): string {
  if (seconds < 120) return t('overview.seconds', { count: seconds });
  if (seconds < 7200) return t('overview.minutes', { count: Math.round(seconds / 60) });
  return t('overview.hours', { count: Math.round(seconds / 3600) });
}
