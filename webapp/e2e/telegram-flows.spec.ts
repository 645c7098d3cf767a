// The core flows as an English Telegram user (project tg-en-390): the host palette and its
// changes, Upload as the host's main button, an open trade shared with a Telegram link, a bot
// button that opens a trade. One story, step by step (serial).
import type { Page } from '@playwright/test';
import { clearCalls, expect, go, idIn, linkOf, mainButton, person, pressMain, run, shot, signIn, test, TELEGRAM_LIGHT, uploadApi, chooseFile, waitForCall } from './fixtures';

test.describe.configure({ mode: 'serial' });

const RUN = run();
const DAVE = person('Dave', 'Shutter', 'en');
let dave: Page;
const s: { davePhoto?: number; daveTrade?: number; public?: number } = {};

test.beforeAll(async ({ hosts, baseUrl }) => {
  dave = await hosts.telegram(DAVE, { themeParams: TELEGRAM_LIGHT });
  // Someone with a public profile and a photo to trade for.
  const alice = await signIn(baseUrl, person('Алиса', 'Линза', 'ru'));
  s.public = await uploadApi(baseUrl, alice.access_token, `Маяк ${RUN}`);
});

test('en/Telegram: English UI, the host palette (link_color) applied, themeChanged followed at run time', async ({ baseUrl }) => {
  await dave.goto(baseUrl);
  await expect(dave.getByRole('heading', { name: 'Gallery' })).toBeVisible();
  await expect(dave.locator('html')).toHaveAttribute('lang', 'en');
  await expect(dave.locator('.app-header'), 'own header inside Telegram').toHaveCount(0);
  const themed = () => dave.evaluate(() => getComputedStyle(document.querySelector('.app-root')!).getPropertyValue('--text-themed').trim());
  await expect.poll(themed, { message: 'link_color applied' }).toBe('#1c5fa8');
  await dave.evaluate(() => {
    const tg = (window as any).Telegram.WebApp;
    tg.themeParams = { ...tg.themeParams, link_color: '#0b4f8a' };
    (window as any).__tgEmit('themeChanged');
  });
  await expect.poll(themed).toBe('#0b4f8a');
});

test('en/Telegram: Upload is the main button; closing confirmation during the upload; success haptic', async () => {
  await go(dave, '/upload');
  await mainButton(dave, { visible: true, text: 'Upload', active: false }); // inactive with no file
  await chooseFile(dave, `dunes-${RUN}.png`);
  await mainButton(dave, { active: true });
  await waitForCall(dave, 'enableClosingConfirmation');
  await pressMain(dave);
  await dave.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
  s.davePhoto = idIn(dave.url(), /\/photos\/(\d+)$/);
  await waitForCall(dave, 'notificationOccurred', (t) => t === 'success');
  await waitForCall(dave, 'disableClosingConfirmation');
  await mainButton(dave, { visible: false });
});

test('en/Telegram: an open trade made here is shared through Telegram with a Telegram link', async () => {
  await go(dave, `/photos/${s.public}`);
  await dave.getByRole('link', { name: 'Propose a trade' }).click();
  await dave.waitForURL(/\/trades\/new/);
  await dave.locator(`.pick-grid [data-photo-id="${s.davePhoto}"]`).click();
  await dave.locator('#trade-open').check({ force: true });
  await mainButton(dave, { visible: true, active: true, text: 'Create trade QR' });
  await pressMain(dave);
  await dave.waitForURL(/\/trades\/\d+$/);
  s.daveTrade = idIn(dave.url(), /\/trades\/(\d+)$/);
  await expect(dave.locator('.qr-box img')).toBeVisible();
  const link = await linkOf(dave);
  expect(link, 'a link made in Telegram is a Telegram link').toMatch(/^https:\/\/t\.me\/e2e_gallery_bot\//);
  await clearCalls(dave);
  await dave.getByRole('button', { name: 'Share' }).click();
  const [, url] = await waitForCall(dave, 'openTelegramLink');
  expect(url).toMatch(/^https:\/\/t\.me\/share\/url\?url=/);
  expect(decodeURIComponent(url)).toContain(link);
  await shot(dave, 'trade-open-qr-en');
});

test("en/Telegram: a bot notification's web_app button (PUBLIC_URL/?startapp=trades_<id>) opens that trade", async ({ open, baseUrl }) => {
  const page = await open.telegram(DAVE);
  await page.goto(`${baseUrl}/?startapp=trades_${s.daveTrade}`);
  await page.waitForURL(new RegExp(`/trades/${s.daveTrade}$`));
  // The trade itself, as its proposer sees it from a notification (an open trade's QR needs the
  // token only its creating screen held; tokens never come back from GET /api/trades/{id}).
  await expect(page.getByRole('heading', { name: `Trade #${s.daveTrade}` })).toBeVisible();
  await shot(page, 'bot-button-trade-en');
});
