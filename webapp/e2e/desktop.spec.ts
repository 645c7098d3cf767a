// The website on a desktop (projects max-ru-1440 and tg-en-1440: the browser's language is the
// project's): QR sign-in approved from a Max phone, the session surviving a reload, every screen
// in light and dark with zero axe violations, the sign-in page's landmarks and its phone-width
// layout, and the scan dialog: focus taken, kept and given back, and without a camera a
// translated "no camera — choose a picture or paste the link" state instead of a black box.
// One story (serial): the signed-in desktop page is shared by the first two tests.
import type { Page } from '@playwright/test';
import { smallTargets, wcagViolations } from './checks';
import { assertNoEnglish } from './lib/checks.mjs';
import { seedWorld, screens, type World } from './seed';
import { expect, go, person, shot, test } from './fixtures';

test.describe.configure({ mode: 'serial' });

const TEXT = {
  ru: { gallery: 'Галерея', scan: 'Сканировать QR-код', noCamera: 'Камеры нет', chooseFile: 'Выбрать снимок кода', close: 'Закрыть' },
  en: { gallery: 'Gallery', scan: 'Scan a QR code', noCamera: 'No camera here', chooseFile: 'Choose a picture of the code', close: 'Close' },
} as const;

let desktop: Page;
let world: World;

test('desktop: QR sign-in offers Max and Telegram links, approved from the phone; the session survives a reload and no token is readable by scripts', async ({ hosts, baseUrl, lang }) => {
  const owner = person('Алиса', 'Линза', 'ru');
  world = await seedWorld(baseUrl, owner, 'max');
  desktop = await hosts.web();
  await desktop.goto(baseUrl);
  const qr = desktop.locator('img[data-qr-value]');
  await expect(qr).toBeVisible();
  // Either messenger's camera opens the code: both link forms are offered.
  await expect(desktop.locator('[data-deep-link="telegram"]')).toHaveAttribute('href', /^https:\/\/t\.me\/e2e_gallery_bot\/.*startapp=login_/);
  await expect(desktop.locator('[data-deep-link="max"]')).toHaveAttribute('href', /^https:\/\/max\.ru\/.*startapp=login_/);
  await shot(desktop, 'signin');
  const payload = await qr.getAttribute('data-qr-value');
  const phone = await hosts.max(owner);
  await phone.goto(baseUrl);
  await phone.evaluate((p) => ((window as any).__nextScan = p), payload);
  await phone.getByRole('button', { name: 'Сканировать QR-код' }).first().click();
  await phone.waitForURL(/\/login\//);
  await assertNoEnglish(phone, 'approve login');
  await shot(phone, 'approve-login');
  await phone.getByRole('button', { name: 'Подтвердить' }).click();
  await expect(phone.getByText('Вход на компьютере выполнен').first()).toBeVisible();
  await phone.context().close();
  await expect(desktop.getByRole('heading', { name: TEXT[lang].gallery })).toBeVisible();
  await expect(desktop.locator('.header-avatar')).toBeVisible();
  await shot(desktop, 'gallery');
  // A reload keeps the session: the refresh token is an HttpOnly cookie, invisible to scripts.
  await desktop.reload();
  await expect(desktop.locator('.header-avatar')).toBeVisible();
  const exposed = await desktop.evaluate(() => document.cookie + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(exposed, 'a token is readable by scripts').not.toMatch(/refresh|eyJ/);
});

test('desktop: every screen, light and dark: zero axe violations (WCAG 2.0–2.2 A/AA in light, contrast in dark), controls ≥ 44 px, the browser’s language', async ({ lang }, testInfo) => {
  const problems: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await desktop.emulateMedia({ colorScheme: theme });
    await expect(desktop.locator('html')).toHaveAttribute('data-bs-theme', theme);
    for (const [name, path] of screens(world)) {
      await go(desktop, path);
      await expect(desktop.locator('main .screen-title, main .state-block').first()).toBeVisible();
      await expect(desktop.locator('main .state-block[role=status]')).toHaveCount(0);
      if (lang === 'ru') await assertNoEnglish(desktop, `${name} ${theme}`);
      problems.push(...(await wcagViolations(desktop, theme === 'dark' ? ['color-contrast', 'link-in-text-block'] : undefined)).map((v) => `${path} ${theme}: ${v}`));
      problems.push(...(await smallTargets(desktop)).map((v) => `${path} ${theme}: tap target < 44 px: ${v}`));
      await shot(desktop, `desktop-${testInfo.project.name.split('-')[1]}-${name}`, { fullPage: false });
    }
  }
  expect(problems, problems.join('\n')).toEqual([]);
});

test('desktop: the scan dialog takes focus, keeps Tab inside, closes on Escape and gives focus back; with no camera it says so and offers a picture of the code or a link', async ({ lang }) => {
  const t = TEXT[lang];
  await desktop.emulateMedia({ colorScheme: 'light' });
  await go(desktop, '/');
  const scan = desktop.getByRole('button', { name: t.scan }).first();
  await scan.click();
  const dialog = desktop.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // Headless Chromium has no camera: a translated state, not an empty black camera box.
  await expect(dialog.getByTestId('no-camera')).toContainText(t.noCamera);
  await expect(dialog.locator('.camera-view')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: t.chooseFile })).toBeVisible();
  const inside = () => desktop.evaluate(() => Boolean(document.activeElement?.closest('[role=dialog]')));
  expect(await inside(), 'the scan dialog took focus').toBe(true);
  for (let i = 0; i < 8; i++) {
    await desktop.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
    expect(await inside(), `Tab stays in the scan dialog (press ${i + 1})`).toBe(true);
  }
  const problems = [...(await wcagViolations(desktop)), ...(await smallTargets(desktop))];
  expect(problems, problems.join('\n')).toEqual([]);
  await shot(desktop, `scan-dialog-${lang}`);
  await desktop.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect.poll(() => desktop.evaluate(() => document.activeElement?.getAttribute('aria-label')), { message: 'focus back on the scan button' }).toBe(t.scan);
});

test('desktop: the sign-in page has one h1 and a main landmark, and zero axe violations in dark; at phone width the password form leads', async ({ open, baseUrl }) => {
  const dark = await open.web({ theme: 'dark' });
  await dark.goto(baseUrl);
  await expect(dark.locator('img[data-qr-value]')).toBeVisible();
  await expect(dark.locator('h1')).toHaveCount(1);
  await expect(dark.locator('main, [role=main]')).toHaveCount(1);
  const problems = [...(await wcagViolations(dark)), ...(await smallTargets(dark))];
  expect(problems, problems.join('\n')).toEqual([]);
  await shot(dark, 'signin');
  const narrow = await open.web({ viewport: { width: 390, height: 844 } });
  await narrow.goto(baseUrl);
  await expect(narrow.locator('#username')).toBeVisible();
  const [pw, qr] = await Promise.all([narrow.locator('.sign-in-password').boundingBox(), narrow.locator('.sign-in-qr').boundingBox()]);
  expect(pw!.y, 'on a phone-width browser the password form leads').toBeLessThan(qr!.y);
  await shot(narrow, 'signin-phone');
});
