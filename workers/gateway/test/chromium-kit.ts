// Debian's chromium driven by playwright-core, for the page tests (no downloaded browsers).
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Whether a page test can run here. A laptop without Chromium skips it, and says so;
 * CI never does (.ci/run installs it): there a missing Chromium is an error.
 */
export function chromiumAvailable(testFile: string): boolean {
  const available = existsSync(chromiumPath);
  if (process.env.CI && !available) throw new Error(`CI needs Chromium at ${chromiumPath} for ${testFile}`);
  if (!available) console.warn(`[${testFile}] SKIPPED: no chromium at ${chromiumPath} (apt-get install chromium; .ci/run installs it).`);
  return available;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
}
