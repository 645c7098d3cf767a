// The browser suite's fixtures: the project's host, language and width (worker options, set per
// project in playwright.config.ts), the theme (a test option: `test.use({ theme: 'dark' })`),
// people signed by the e2e bot tokens, and pages opened in the emulated Max / Telegram bridges
// (lib/browser.mjs) that are closed when the test ends. Plus the few helpers the flows share.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { test as base, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { maxPhone, telegramPhone } from './lib/browser.mjs';
import { signInitData } from './lib/initData.mjs';
import { noisePng } from './lib/image.mjs';

export { expect };
export type Host = 'max' | 'telegram';
export type Lang = 'ru' | 'en';
export type Theme = 'light' | 'dark';
export type Viewport = { width: number; height: number };
export type Person = { id: number; first_name: string; last_name?: string; username?: string; language_code: Lang };

export type Options = { host: Host; lang: Lang; width: 320 | 390 | 1440; theme: Theme };

export const PHONE: Viewport = { width: 390, height: 844 };
export const NARROW: Viewport = { width: 320, height: 640 };
export const DESKTOP: Viewport = { width: 1440, height: 900 };
const VIEWPORTS = { 320: NARROW, 390: PHONE, 1440: DESKTOP } as const;

export const MAX_TOKEN = process.env.E2E_MAX_BOT_TOKEN ?? 'e2e-test-bot-token';
export const TG_TOKEN = process.env.E2E_TG_BOT_TOKEN ?? '654321:e2e-tg-token';
export const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

export const maxInit = (user: Person, startParam?: string, authDate?: number): string => signInitData(MAX_TOKEN, { user, startParam, authDate });
export const tgInit = (user: Person, startParam?: string): string => signInitData(TG_TOKEN, { user, startParam });

/** A person nobody else in this run is (random ids: projects and workers run side by side). */
let serial = 0;
export function person(first_name: string, last_name: string, language_code: Lang): Person {
  const id = 10_000_000 + randomInt(900_000_000);
  return { id, first_name, last_name, username: `${first_name.toLowerCase().replace(/[^a-z]/g, '') || 'u'}_${id.toString(36)}${serial++}`, language_code };
}
export const run = (): string => randomInt(36 ** 5).toString(36);

/** Telegram's own palettes (Web K day and night). The night one's accent on its bar is the
 * review's 4.39:1 finding for an 11-px active tab label. */
export const TELEGRAM_LIGHT = {
  bg_color: '#ffffff',
  secondary_bg_color: '#f0f0f4',
  text_color: '#000000',
  hint_color: '#595960',
  link_color: '#1c5fa8',
  button_color: '#1c5fa8',
  button_text_color: '#ffffff',
};
export const TELEGRAM_DARK = {
  bg_color: '#212121',
  secondary_bg_color: '#0f0f0f',
  section_bg_color: '#212121',
  text_color: '#ffffff',
  hint_color: '#aaaaaa',
  link_color: '#8774e1',
  button_color: '#8774e1',
  button_text_color: '#ffffff',
  destructive_text_color: '#ff595a',
  bottom_bar_bg_color: '#1d1d1d',
};

export type OpenOptions = {
  startParam?: string;
  theme?: Theme;
  viewport?: Viewport;
  authDate?: number;
  themeParams?: Record<string, string>;
  safeAreaInset?: { top: number; bottom: number; left: number; right: number };
  locale?: string;
};

/** Opens pages in a host; every context it makes is closed by `close()`. */
export class Opener {
  private contexts: BrowserContext[] = [];
  constructor(
    private browser: Browser,
    private defaults: { host: Host; theme: Theme; viewport: Viewport; locale: string },
  ) {}

  private async page(context: BrowserContext): Promise<Page> {
    this.contexts.push(context);
    return context.newPage();
  }

  /** The Max client's `window.WebApp`, signed for `user`. */
  max(user: Person, o: OpenOptions = {}): Promise<Page> {
    const { startParam, theme = this.defaults.theme, viewport = this.defaults.viewport } = o;
    return maxPhone(this.browser, maxInit(user, startParam, o.authDate), { startParam, colorScheme: theme, viewport, locale: o.locale ?? 'ru-RU' }).then((c: BrowserContext) => this.page(c));
  }

  /** Telegram's `window.Telegram.WebApp`, signed for `user` (themeParams as given: none by default). */
  telegram(user: Person, o: OpenOptions = {}): Promise<Page> {
    const { startParam, theme = this.defaults.theme, viewport = this.defaults.viewport } = o;
    return telegramPhone(this.browser, tgInit(user, startParam), {
      startParam,
      colorScheme: theme,
      viewport,
      locale: o.locale ?? 'en-US',
      themeParams: o.themeParams,
      safeAreaInset: o.safeAreaInset,
    }).then((c: BrowserContext) => this.page(c));
  }

  /** The project's host, with the host's palette for the theme (Telegram always sends one). */
  app(user: Person, o: OpenOptions = {}): Promise<Page> {
    if (this.defaults.host === 'max') return this.max(user, o);
    const theme = o.theme ?? this.defaults.theme;
    return this.telegram(user, { themeParams: theme === 'dark' ? TELEGRAM_DARK : TELEGRAM_LIGHT, ...o });
  }

  /** A plain browser: the website with its QR / password sign-in. */
  async web(o: OpenOptions = {}): Promise<Page> {
    const viewport = o.viewport ?? this.defaults.viewport;
    const mobile = viewport.width < 1000;
    const context = await this.browser.newContext({
      viewport,
      isMobile: mobile,
      hasTouch: mobile,
      deviceScaleFactor: mobile ? 2 : 1,
      colorScheme: o.theme ?? this.defaults.theme,
      locale: o.locale ?? this.defaults.locale,
    });
    return this.page(context);
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.splice(0).map((c) => c.close().catch(() => {})));
  }
}

type TestFixtures = { open: Opener; me: Person; app: Page };
type WorkerFixtures = { host: Host; lang: Lang; width: 320 | 390 | 1440; baseUrl: string; hosts: Opener };

export const test = base.extend<TestFixtures & { theme: Theme }, WorkerFixtures>({
  host: ['max', { option: true, scope: 'worker' }],
  lang: ['ru', { option: true, scope: 'worker' }],
  width: [390, { option: true, scope: 'worker' }],
  theme: ['light', { option: true }],
  baseUrl: [
    async ({}, use) => {
      const url = process.env.E2E_BASE_URL;
      if (!url) throw new Error('E2E_BASE_URL is not set (scripts/e2e.sh or e2e/global-setup.ts sets it)');
      await use(url.replace(/\/+$/, ''));
    },
    { scope: 'worker' },
  ],
  /** For beforeAll/afterAll of serial flows: pages in the project's defaults, light theme. */
  hosts: [
    async ({ browser, host, lang, width }, use) => {
      const opener = new Opener(browser, { host, theme: 'light', viewport: VIEWPORTS[width], locale: lang === 'ru' ? 'ru-RU' : 'en-US' });
      await use(opener);
      await opener.close();
    },
    { scope: 'worker' },
  ],
  open: async ({ browser, host, lang, width, theme }, use) => {
    const opener = new Opener(browser, { host, theme, viewport: VIEWPORTS[width], locale: lang === 'ru' ? 'ru-RU' : 'en-US' });
    await use(opener);
    await opener.close();
  },
  /** A person of the project's language, new to the app. */
  me: async ({ lang }, use) => {
    await use(lang === 'ru' ? person('Анна', 'Смирнова', 'ru') : person('Eve', 'Night', 'en'));
  },
  /** `me` signed in through the project's host, on the gallery, in the project's theme. */
  app: async ({ open, me, baseUrl, lang }, use) => {
    const page = await open.app(me);
    await page.goto(baseUrl);
    await expect(page.getByRole('heading', { name: lang === 'ru' ? 'Галерея' : 'Gallery' })).toBeVisible();
    await use(page);
  },
});

// --- helpers the flows share ----------------------------------------------------------------

/** Every image on screen has loaded (lazy ones below the fold load only when scrolled to). */
export function imagesOnScreenDecoded(): boolean {
  return Array.from(document.images)
    .filter((i) => {
      const r = i.getBoundingClientRect();
      return r.width > 0 && r.bottom > 0 && r.top < innerHeight;
    })
    .every((i) => i.complete);
}

/** A (full-page, unless told) screenshot in e2e/screenshots/, `<name>-<width>-<theme>.png`, once the main area
 * has stopped loading and every image has decoded (animations frozen, no fixed wait). */
export async function shot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  await expect(page.locator('main .state-block[role=status]')).toHaveCount(0);
  await expect.poll(() => page.evaluate(imagesOnScreenDecoded), { message: 'the images on screen decoded' }).toBe(true);
  const width = page.viewportSize()!.width;
  const scheme = await page.evaluate(() => document.documentElement.dataset.bsTheme);
  await page.screenshot({ path: `${SHOTS}${name}-${width}-${scheme}.png`, fullPage, animations: 'disabled' });
}

/** In-app navigation (like tapping a link): the desktop's access token lives in memory only. */
export async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    window.history.pushState({ depth: 1 }, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.waitForURL((url) => url.pathname + url.search === path);
}

type Call = [string, ...unknown[]];
export const bridgeCalls = (page: Page): Promise<Call[]> => page.evaluate(() => (window as unknown as { __calls?: Call[] }).__calls ?? []);
export const clearCalls = (page: Page): Promise<unknown> => page.evaluate(() => ((window as unknown as { __calls: Call[] }).__calls.length = 0));

/** Waits until the page made the bridge call `name` (with arguments matching `pred`); returns it. */
export async function waitForCall(page: Page, name: string, pred: (...args: any[]) => boolean = () => true): Promise<any[]> {
  let hit: Call | undefined;
  await expect
    .poll(async () => {
      const calls = await bridgeCalls(page);
      hit = calls.find((c) => c[0] === name && pred(...c.slice(1)));
      return hit ? name : calls.slice(-12).map((c) => c[0]);
    }, { message: `bridge call ${name}` })
    .toBe(name);
  return hit!;
}

/** The backend's database (scripts/e2e.sh or lib/backend.mjs sets E2E_DATABASE_URL). */
export function sql(query: string): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error('E2E_DATABASE_URL is not set');
  return execFileSync('psql', [url, '-qAtc', query], { encoding: 'utf8' }).trim();
}

export async function chooseFile(page: Page, name: string, buffer: Buffer = noisePng(), mimeType = 'image/png'): Promise<void> {
  await page.locator('input[data-testid="file-pick"]').setInputFiles({ name, mimeType, buffer });
}

export const idIn = (url: string, re: RegExp): number => Number(url.match(re)![1]);

/** Uploads a photo from the upload screen (its own button, as in Max) and returns its id. */
export async function uploadVia(page: Page, title: string): Promise<number> {
  await go(page, '/upload');
  await chooseFile(page, `${title}.png`);
  await page.locator('#upload-title').fill(title);
  await page.getByRole('button', { name: /^(Загрузить|Upload)$/ }).click();
  await page.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
  return idIn(page.url(), /\/photos\/(\d+)$/);
}

/** Upload in Telegram, where "Upload" is the host's main button; returns the new photo's id. */
export async function uploadInTelegram(page: Page, title: string): Promise<number> {
  await go(page, '/upload');
  await chooseFile(page, `${title}.png`);
  await page.locator('#upload-title').fill(title);
  await mainButton(page, { visible: true, active: true, text: 'Upload' });
  await pressMain(page);
  await page.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
  return idIn(page.url(), /\/photos\/(\d+)$/);
}

type MainButton = { visible: boolean; active: boolean; text: string };
/** Waits until Telegram's main button shows what `want` names. */
export async function mainButton(page: Page, want: Partial<MainButton>): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate((keys) => {
        const mb = (window as unknown as { __mainButton: Record<string, unknown> }).__mainButton;
        return Object.fromEntries(keys.map((k) => [k, mb[k]]));
      }, Object.keys(want)),
    )
    .toEqual(want);
}
export const pressMain = (page: Page): Promise<void> => page.evaluate(() => (window as unknown as { __mainButton: { press(): void } }).__mainButton.press());

/** The app's own user id, as the settings screen shows it. */
export async function userId(page: Page): Promise<number> {
  const back = new URL(page.url());
  await go(page, '/settings');
  const text = (await page.getByText(/^ID \d+/).first().textContent())!;
  await go(page, back.pathname + back.search);
  return Number(text.match(/ID (\d+)/)![1]);
}

// --- the API, for fixtures that are not the flow under test ----------------------------------

type ApiInit = { token?: string; body?: unknown; form?: FormData; method?: string };
export async function api(baseUrl: string, path: string, { token, body, form, method = body || form ? 'POST' : 'GET' }: ApiInit = {}): Promise<any> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  const r = await fetch(`${baseUrl}${path}`, { method, headers, body: form ?? (body ? JSON.stringify(body) : undefined) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

/** Signs `user` in through the API as their host does; returns { access_token, user }. */
export function signIn(baseUrl: string, user: Person, host: Host = 'max'): Promise<{ access_token: string; user: { id: number } }> {
  return host === 'max'
    ? api(baseUrl, '/api/auth/max', { body: { init_data: maxInit(user) } })
    : api(baseUrl, '/api/auth/telegram', { body: { init_data: tgInit(user) } });
}

export async function uploadApi(baseUrl: string, token: string, title: string, size: [number, number] = [320, 240]): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([noisePng(...size)], { type: 'image/png' }), `${title}.png`);
  form.append('title', title);
  return (await api(baseUrl, '/api/photos/upload', { token, form })).id;
}

/** The claim token inside a gift link (Max `startapp=claim_…`, Telegram or web `/claim/…`). */
export const tokenOf = (link: string): string => (link.match(/claim_([\w-]+)/) ?? link.match(/\/claim\/([\w-]+)/))![1];
export const linkOf = (page: Page): Promise<string> => page.locator('.share-code input').inputValue();

/** Visible, then its box: for geometry checks. */
export async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  await expect(locator).toBeVisible();
  return (await locator.boundingBox())!;
}
