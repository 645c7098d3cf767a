// Debian's headless Chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1440, height: 900 };

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
}

/**
 * A browser context that impersonates the Max host: `window.WebApp` exists
 * before any page script, with initData signed by the test bot token. Its
 * code reader returns whatever the test puts into `window.__nextScan`.
 */
export async function maxPhone(browser, initData, { startParam, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await context.addInitScript(
    ({ initData, startParam, colorScheme }) => {
      const clicks = new Set();
      window.__backButton = { visible: false, press: () => clicks.forEach((cb) => cb()) };
      window.WebApp = {
        initData,
        initDataUnsafe: startParam ? { start_param: startParam } : {},
        platform: 'android',
        version: '25.9.0',
        colorScheme,
        ready: () => {
          window.__ready = true;
        },
        BackButton: {
          show: () => (window.__backButton.visible = true),
          hide: () => (window.__backButton.visible = false),
          onClick: (cb) => clicks.add(cb),
          offClick: (cb) => clicks.delete(cb),
        },
        openCodeReader: () => Promise.resolve({ value: window.__nextScan ?? null }),
        openLink: (url) => window.open(url),
      };
    },
    { initData, startParam, colorScheme },
  );
  return context;
}
