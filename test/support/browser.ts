import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, as root, on a machine with no outside network: without the
 * background-networking flags it keeps trying to reach Google's hosts.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
