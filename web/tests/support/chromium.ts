/**
 * Debian's Chromium driven by playwright-core (test tools cannot download browsers here), launched
 * headless the way the browser tests and the reads benchmark need it. No vitest here: the benchmark
 * imports it.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.TRUCELINE_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
      // WebGL for MapLibre on the software rasteriser (there is no GPU in CI).
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
    ],
  });
}
