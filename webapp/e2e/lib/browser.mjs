// Browser contexts that impersonate the Max and Telegram hosts, recording every bridge call
// (e2e/fixtures.ts opens them for the tests, in the browser playwright.config.ts launches), and
// launch() for scripts outside the test runner (scripts/measure-paint.mjs).
import { chromium } from 'playwright-core';

export const PHONE = { width: 390, height: 844 };
export const NARROW = { width: 320, height: 640 };
export const DESKTOP = { width: 1440, height: 900 };

/** Debian's headless Chromium (no browser download). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A phone (touch, 2× pixels) below 1000 px, a desktop window (the host's desktop client) above. */
function phoneContext(browser, { viewport = PHONE, colorScheme = 'light', locale = 'en-US' } = {}) {
  const mobile = viewport.width < 1000;
  return browser.newContext({ viewport, deviceScaleFactor: mobile ? 2 : 1, isMobile: mobile, hasTouch: mobile, colorScheme, locale });
}

/**
 * `window.WebApp` as the Max client injects it: signed initData, and every bridge method
 * recording into `window.__calls` ([name, ...args]). The code reader returns
 * `window.__nextScan`; `window.__backButton.press()` taps the native back button.
 */
export async function maxPhone(browser, initData, { startParam, colorScheme = 'light', viewport, locale } = {}) {
  const context = await phoneContext(browser, { viewport, colorScheme, locale });
  await context.addInitScript(
    ({ initData, startParam, colorScheme, platform }) => {
      const calls = (window.__calls = []);
      const rec = (name, ret) => (...args) => {
        calls.push([name, ...args]);
        return ret;
      };
      const clicks = new Set();
      window.__backButton = { visible: false, press: () => clicks.forEach((cb) => cb()) };
      window.WebApp = {
        initData,
        initDataUnsafe: startParam ? { start_param: startParam } : {},
        platform,
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
        HapticFeedback: {
          impactOccurred: rec('impactOccurred'),
          notificationOccurred: rec('notificationOccurred'),
          selectionChanged: rec('selectionChanged'),
        },
        enableClosingConfirmation: rec('enableClosingConfirmation'),
        disableClosingConfirmation: rec('disableClosingConfirmation'),
        shareContent: rec('shareContent'),
        shareMaxContent: rec('shareMaxContent'),
        close: rec('close'),
        DeviceStorage: { setItem: rec('DeviceStorage.setItem', Promise.resolve()), getItem: () => Promise.resolve(null) },
        openCodeReader: () => Promise.resolve({ value: window.__nextScan ?? null }),
        openLink: rec('openLink'),
        requestScreenMaxBrightness: rec('requestScreenMaxBrightness', Promise.resolve()),
        restoreScreenBrightness: rec('restoreScreenBrightness', Promise.resolve()),
      };
    },
    { initData, startParam, colorScheme, platform: viewport?.width >= 1000 ? 'desktop' : 'android' },
  );
  return context;
}

/**
 * `window.Telegram.WebApp` as Telegram injects it, with the full theme palette, safe areas,
 * the main (bottom) button (`window.__mainButton` mirrors it; `.press()` taps it) and a
 * `window.__tgEmit(event)` to fire host events such as themeChanged.
 */
export async function telegramPhone(browser, initData, { startParam, colorScheme = 'light', themeParams, viewport, locale, safeAreaInset } = {}) {
  const context = await phoneContext(browser, { viewport, colorScheme, locale });
  await context.addInitScript(
    ({ initData, startParam, colorScheme, themeParams, safeAreaInset, platform }) => {
      const calls = (window.__calls = []);
      const rec = (name, ret) => (...args) => {
        calls.push([name, ...args]);
        return ret;
      };
      const handlers = {};
      window.__tgEmit = (event) => (handlers[event] ?? []).forEach((cb) => cb());
      const backClicks = new Set();
      window.__backButton = { visible: false, press: () => backClicks.forEach((cb) => cb()) };
      const mainClicks = new Set();
      window.__mainButton = { text: '', visible: false, active: true, progress: false, press: () => mainClicks.forEach((cb) => cb()) };
      const mb = window.__mainButton;
      window.Telegram = {
        WebApp: {
          initData,
          initDataUnsafe: startParam ? { start_param: startParam } : {},
          platform,
          version: '8.0',
          colorScheme,
          themeParams,
          safeAreaInset: safeAreaInset ?? { top: 0, bottom: platform === 'tdesktop' ? 0 : 20, left: 0, right: 0 },
          contentSafeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
          isVersionAtLeast: () => true,
          ready: () => {
            window.__ready = true;
          },
          expand: rec('expand'),
          onEvent: (e, cb) => (handlers[e] ??= []).push(cb),
          offEvent: (e, cb) => (handlers[e] = (handlers[e] ?? []).filter((x) => x !== cb)),
          BackButton: {
            show: () => (window.__backButton.visible = true),
            hide: () => (window.__backButton.visible = false),
            onClick: (cb) => backClicks.add(cb),
            offClick: (cb) => backClicks.delete(cb),
          },
          MainButton: {
            setParams: (p) => {
              calls.push(['MainButton.setParams', p]);
              if (p.text !== undefined) mb.text = p.text;
              if (p.is_visible !== undefined) mb.visible = p.is_visible;
              if (p.is_active !== undefined) mb.active = p.is_active;
            },
            onClick: (cb) => mainClicks.add(cb),
            offClick: (cb) => mainClicks.delete(cb),
            show: () => (mb.visible = true),
            hide: () => {
              calls.push(['MainButton.hide']);
              mb.visible = false;
            },
            showProgress: () => (mb.progress = true),
            hideProgress: () => (mb.progress = false),
          },
          HapticFeedback: {
            impactOccurred: rec('impactOccurred'),
            notificationOccurred: rec('notificationOccurred'),
            selectionChanged: rec('selectionChanged'),
          },
          enableClosingConfirmation: rec('enableClosingConfirmation'),
          disableClosingConfirmation: rec('disableClosingConfirmation'),
          openTelegramLink: rec('openTelegramLink'),
          openLink: rec('openLink'),
          close: rec('close'),
          showScanQrPopup: (_p, cb) => cb(window.__nextScan ?? ''),
        },
      };
    },
    { initData, startParam, colorScheme, themeParams: themeParams ?? {}, safeAreaInset, platform: viewport?.width >= 1000 ? 'tdesktop' : 'ios' },
  );
  return context;
}
