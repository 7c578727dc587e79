// Debian's Chromium, driven by playwright-core, for the browser tests. No download: the browser is
// the system package (npm test's pretest installs it on a fresh Debian machine).
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const MISSING = `Chromium not found at ${CHROMIUM}: this browser test needs Debian's Chromium. Install it with \`apt-get install chromium\` (as root), then run the tests again.`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps trying to reach Google on this closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
}
