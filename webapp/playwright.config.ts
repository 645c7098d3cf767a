// The browser suite: @playwright/test driving Debian's Chromium (no browser download) against a
// real backend serving webapp/dist. scripts/e2e.sh starts that backend and sets E2E_BASE_URL;
// without it e2e/global-setup.ts starts one (lib/backend.mjs). See webapp/README.md "Tests".
//
// A project per emulated host and width: Max in Russian and Telegram in English, each at 320 and
// 390 px phones and a 1440 px desktop window. The light/dark theme is the `theme` fixture option:
// each project has one (Max: 390 light, 320 and 1440 dark; Telegram the other way round), and
// the cheap per-screen checks set both with test.use. Long flows run only in the project they
// are about (FLOWS below); the issue 21 matrix (e2e/matrix.spec.ts) runs in all six.
import { defineConfig, type Project } from '@playwright/test';
import type { Options } from './e2e/fixtures';

const PHONE = { isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { isMobile: false, hasTouch: false, deviceScaleFactor: 1 };
const WIDTHS = {
  320: { viewport: { width: 320, height: 640 }, ...PHONE },
  390: { viewport: { width: 390, height: 844 }, ...PHONE },
  1440: { viewport: { width: 1440, height: 900 }, ...DESKTOP },
} as const;

/** Which spec files run in which project: the matrix everywhere, each flow where it matters. */
const FLOWS: Record<string, RegExp> = {
  'max-ru-390': /\/(matrix|max-flows|collector-ru|review|resilience)\.spec\.ts$/,
  'tg-en-390': /\/(matrix|tg-inset|telegram-flows|collector-en)\.spec\.ts$/,
  'max-ru-1440': /\/(matrix|desktop)\.spec\.ts$/,
  'tg-en-1440': /\/(matrix|desktop)\.spec\.ts$/,
  'max-ru-320': /\/(matrix)\.spec\.ts$/,
  'tg-en-320': /\/(matrix|tg-inset)\.spec\.ts$/,
};

const projects: Project<Options>[] = [];
for (const [host, lang, locale] of [
  ['max', 'ru', 'ru-RU'],
  ['telegram', 'en', 'en-US'],
] as const) {
  for (const width of [320, 390, 1440] as const) {
    const name = `${host === 'max' ? 'max' : 'tg'}-${lang}-${width}`;
    // Each host has light and dark projects; tests that check both themes set it themselves.
    const theme = (width === 390) === (host === 'max') ? 'light' : 'dark';
    projects.push({ name, testMatch: FLOWS[name], use: { host, lang, width, theme, locale, ...WIDTHS[width] } });
  }
}

export default defineConfig<Options>({
  testDir: './e2e',
  outputDir: './test-output/e2e',
  globalSetup: './e2e/global-setup.ts',
  // One backend, two browsers at most: the suite runs beside pytest on a 2-core machine.
  workers: 2,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: './test-output/e2e-report', open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects,
});
