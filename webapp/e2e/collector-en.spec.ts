// Issue 20's collector's gallery as English Telegram users (project tg-en-390): a direct gift with
// a note, read and hidden by its recipient; the claim preview with number, note and story.
// One story, step by step (serial).
import type { Page } from '@playwright/test';
import { assertAccessible, assertNoHorizontalOverflow } from './lib/checks.mjs';
import { bridgeCalls, clearCalls, expect, go, linkOf, mainButton, NARROW, person, PHONE, pressMain, run, shot, test, tokenOf, uploadInTelegram, userId, waitForCall } from './fixtures';

test.describe.configure({ mode: 'serial' });

const EN_NUMBER = /^No\. \d{1,3}(,\d{3})*$/;
const RUN = run();
const ERIN = person('Erin', 'Keeper', 'en');
const FRANK = person('Frank', 'Finder', 'en');
const s: { frankId?: number; erinPhoto?: number } = {};
let erin: Page;
let frank: Page;

test.beforeAll(async ({ hosts }) => {
  erin = await hosts.telegram(ERIN);
  frank = await hosts.telegram(FRANK);
});

test('en/Telegram: a direct gift with a note (281 characters refused, in English); the recipient reads it in the story and hides it from others; no brightness call outside Max', async ({ baseUrl }) => {
  await Promise.all([erin.goto(baseUrl), frank.goto(baseUrl)]);
  for (const p of [erin, frank]) await expect(p.getByRole('heading', { name: 'Gallery' })).toBeVisible();
  s.frankId = await userId(frank);
  s.erinPhoto = await uploadInTelegram(erin, `Harbour ${RUN}`);
  await expect.poll(async () => (await erin.locator('main .mint-number').first().textContent())?.trim(), { message: 'the English number is "No. n"' }).toMatch(EN_NUMBER);
  await go(erin, `/photos/${s.erinPhoto}/transfer`);
  await erin.getByRole('tab', { name: 'To a person' }).click();
  await erin.getByPlaceholder('Search by name or username').fill('Frank');
  await erin.locator(`[data-user-id="${s.frankId}"]`).click();
  await erin.locator('#gift-note').fill('a'.repeat(281));
  await expect(erin.getByText('A note can be at most 280 characters (281 now).')).toBeVisible();
  await mainButton(erin, { visible: true, active: false });
  await shot(erin, 'note-too-long-en');
  await erin.locator('#gift-note').fill('For your harbour wall. — Erin');
  await mainButton(erin, { visible: true, active: true });
  await pressMain(erin);
  await erin.waitForURL(new RegExp(`/photos/${s.erinPhoto}$`));

  await go(frank, `/photos/${s.erinPhoto}`);
  const story = frank.locator('[data-testid="story"]');
  await expect(story.locator('[data-testid="provenance-note"]').getByText('For your harbour wall. — Erin')).toBeVisible();
  await expect(story.getByText('Minted').first()).toBeVisible();
  await shot(frank, 'detail-story-en');
  // Share in Telegram: the object's page through t.me/share (no bot card here: no bot configured).
  await clearCalls(frank);
  await frank.getByRole('button', { name: 'Share' }).click();
  const [, url] = await waitForCall(frank, 'openTelegramLink');
  expect(decodeURIComponent(url)).toContain(`${baseUrl}/photos/${s.erinPhoto}`);
  await go(frank, '/trades');
  await frank.getByRole('tab', { name: 'Gifts' }).click();
  await frank.getByRole('button', { name: 'Hide the note from others' }).click();
  await expect(frank.getByRole('button', { name: 'Show the note to others' })).toBeVisible();
  await expect(frank.getByText('Only you and the giver see this note.').first()).toBeVisible();
  await shot(frank, 'transfers-note-en');
  expect((await bridgeCalls(erin)).some((c) => /Brightness/.test(c[0])), 'a brightness call in Telegram').toBe(false);
});

test('en/Telegram: the claim preview with number, note and story in English (390/320, light/dark)', async ({ open, baseUrl }) => {
  const photo = await uploadInTelegram(erin, `Pier ${RUN}`);
  await go(erin, `/photos/${photo}/transfer`);
  await erin.locator('#code-note').fill('Yours if you want it.');
  await mainButton(erin, { visible: true, active: true, text: 'Create a claim link' });
  await pressMain(erin);
  await expect(erin.locator('.qr-box img')).toBeVisible();
  const token = tokenOf(await linkOf(erin));
  for (const theme of ['dark', 'light'] as const) {
    for (const viewport of [NARROW, PHONE]) {
      const p = await open.telegram(FRANK, { startParam: `claim_${token}`, theme, viewport });
      await p.goto(baseUrl);
      await expect(p.locator('[data-claim-state="open"]')).toBeVisible();
      await expect.poll(async () => (await p.locator('.claim-card .mint-number').first().textContent())?.trim(), { message: 'an English number on the preview' }).toMatch(EN_NUMBER);
      await expect(p.getByText('Yours if you want it.')).toBeVisible();
      await expect(p.locator('[data-testid="story"]').getByText('Author')).toBeVisible();
      await assertNoHorizontalOverflow(p, `claim story en ${viewport.width} ${theme}`);
      if (viewport === PHONE) await assertAccessible(p, `claim story en ${theme}`);
      await shot(p, 'claim-story-en');
      await p.context().close();
    }
  }
});
