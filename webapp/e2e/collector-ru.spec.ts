// Issue 20's collector's gallery on screen, as Russian Max users (project max-ru-390): the mint
// number on tiles, detail, thumbs and the claim preview; the object's story before taking a gift
// and on an incoming trade; a giver's note (counted, refused past 280 characters, shown to the
// recipient, who can hide it); the showcase (pin, reorder, hide from profile) seen live by
// another viewer; Max's full brightness while a QR is shown. Screenshots at 390 and 320 px,
// light and dark. One story, step by step (serial).
import type { Page } from '@playwright/test';
import { assertAccessible, assertNoEnglish, assertNoHorizontalOverflow } from './lib/checks.mjs';
import { bridgeCalls, clearCalls, expect, go, linkOf, NARROW, person, PHONE, run, shot, test, tokenOf, uploadVia, userId, waitForCall } from './fixtures';

test.describe.configure({ mode: 'serial' });

export const RU_NUMBER = /^№\u00a0\d{1,3}(\u00a0\d{3})*$/;
const LONG_NOTE = 'а'.repeat(281);
const NOTE = 'С днём рождения! Этот маяк — тебе.';
const RUN = run();
const GENA = person('Гена', 'Маяков', 'ru');
const IRA = person('Ира', 'Витринная', 'ru');
const LIZA = person('Лиза', 'Зрительница', 'ru');
const s: { lighthouse?: number; number?: string; token?: string; iraId?: number; own?: number } = {};
let gena: Page;
let ira: Page;
let liza: Page;

/** The showcase's items on this page, in the order shown. */
const pinned = (page: Page) => page.locator('[data-testid="showcase"] .showcase-item').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.photoId)));
const expectPinned = (page: Page, ids: number[]) => expect.poll(() => pinned(page).catch(() => []), { message: 'showcase order' }).toEqual(ids);

test.beforeAll(async ({ hosts }) => {
  gena = await hosts.max(GENA);
  liza = await hosts.max(LIZA);
});

test("ru/Max: a numbered tile and detail; Share sends the object's page, which unfolds into a card (og tags); a claim link with a note (281 characters refused) raises the brightness while shown, restores it after", async ({ baseUrl }) => {
  await gena.goto(baseUrl);
  await expect(gena.getByRole('heading', { name: 'Галерея' })).toBeVisible();
  s.lighthouse = await uploadVia(gena, `Маяк ${RUN}`);
  const number = (await gena.locator('main .mint-number').first().textContent())!.trim();
  expect(number, "the detail's number").toMatch(RU_NUMBER);
  s.number = number;
  // Share: the object's own page goes into a Max chat, and that page unfolds into a card for a
  // link-preview bot (Open Graph tags from the backend: title with the number, the picture).
  await clearCalls(gena);
  await gena.getByRole('button', { name: 'Поделиться' }).click();
  const [, shared] = await waitForCall(gena, 'shareMaxContent');
  expect(shared.link).toBe(`${baseUrl}/photos/${s.lighthouse}`);
  expect(shared.text).toBe(`Маяк ${RUN} · ${number}`);
  const page = await (await fetch(shared.link, { headers: { 'User-Agent': 'TelegramBot (like TwitterBot)' } })).text();
  const og = (name: string) => page.match(new RegExp(`<meta property="${name}" content="([^"]*)"`))?.[1];
  expect(og('og:title')).toBe(`Маяк ${RUN} · ${number}`);
  expect(og('og:description')).toContain('Гена Маяков');
  const picture = await fetch(og('og:image')!);
  expect(picture.ok, `og:image ${og('og:image')} answers ${picture.status}`).toBe(true);
  expect(picture.headers.get('content-type')).toBe('image/webp');
  await go(gena, '/me');
  const tile = gena.locator(`.photo-grid [data-photo-id="${s.lighthouse}"] .mint-number`);
  await expect(tile, 'the tile shows the detail’s number').toHaveText(number);

  await go(gena, `/photos/${s.lighthouse}/transfer`);
  const note = gena.locator('#code-note');
  await note.fill(LONG_NOTE);
  await expect(gena.getByText('Записка — не длиннее 280 символов (сейчас 281).')).toBeVisible();
  await expect(gena.getByRole('button', { name: 'Создать ссылку' }), 'a code with a 281-character note can be made').toBeDisabled();
  await assertNoEnglish(gena, 'note too long');
  await shot(gena, 'note-too-long');
  await note.fill(NOTE);
  await expect(gena.getByText(`${Array.from(NOTE).length} / 280`)).toBeVisible();
  await gena.getByRole('button', { name: 'Создать ссылку' }).click();
  await expect(gena.locator('.qr-box img')).toBeVisible();
  await waitForCall(gena, 'requestScreenMaxBrightness');
  await expect(gena.locator('[data-testid="gift-note"]').getByText(NOTE)).toBeVisible();
  s.token = tokenOf(await linkOf(gena));
  await shot(gena, 'gift-code-note');
  expect((await bridgeCalls(gena)).some((c) => c[0] === 'restoreScreenBrightness'), 'brightness restored while the code is still shown').toBe(false);
  await go(gena, `/photos/${s.lighthouse}`);
  await waitForCall(gena, 'restoreScreenBrightness');
});

test('ru/Max: the claim preview shows the number, the note, the author, when minted and the owners — before taking it (390/320, light/dark)', async ({ open, hosts, baseUrl }) => {
  for (const theme of ['dark', 'light'] as const) {
    for (const viewport of [NARROW, PHONE]) {
      const p = await open.max(IRA, { startParam: `claim_${s.token}`, theme, viewport });
      await p.goto(baseUrl);
      await expect(p.locator('[data-claim-state="open"]')).toBeVisible();
      const card = p.locator('.claim-card');
      await expect(card.locator('.mint-number').first(), 'the preview shows the number').toHaveText(s.number!);
      await expect(card.locator('[data-testid="gift-note"]').getByText(NOTE)).toBeVisible();
      await expect(card.getByText('Гена Маяков пишет:')).toBeVisible();
      const story = card.locator('[data-testid="story"]');
      for (const text of ['Автор', 'Выпущено', 'Владельцы']) await expect(story.getByText(text).first()).toBeVisible();
      await expect(story.getByRole('link', { name: 'Гена Маяков' }).first()).toBeVisible();
      await assertNoEnglish(p, `claim story ${viewport.width} ${theme}`);
      await assertNoHorizontalOverflow(p, `claim story ${viewport.width} ${theme}`);
      if (viewport === PHONE) await assertAccessible(p, `claim story ${theme}`);
      await shot(p, 'claim-story');
      await p.context().close();
    }
  }
  ira = await hosts.max(IRA, { startParam: `claim_${s.token}` });
  await ira.goto(baseUrl);
  await expect(ira.locator('[data-claim-state="open"]')).toBeVisible();
  await ira.getByRole('button', { name: 'Забрать' }).click();
  await expect(ira.getByText('Теперь оно ваше')).toBeVisible();
  s.iraId = await userId(ira);
});

test('ru/Max: the new owner hides the note from others; pins it and another, reorders; a viewer of the profile sees each change live; hidden from the profile it leaves the showcase', async ({ open, baseUrl }) => {
  await liza.goto(baseUrl);
  await expect(liza.getByRole('heading', { name: 'Галерея' })).toBeVisible();
  // Liza's own profile: the empty showcase explains how to pin.
  const lizaId = await userId(liza);
  await go(liza, `/users/${lizaId}`);
  await expect(liza.locator('[data-testid="showcase-empty"]')).toBeVisible();
  await assertNoEnglish(liza, 'empty showcase');
  await shot(liza, 'showcase-empty');
  // Watching Ira's profile: nothing pinned yet, so no showcase at all.
  await go(liza, `/users/${s.iraId}`);
  await expect(liza.locator('.photo-grid, .state-block').first()).toBeVisible();
  await expect(liza.locator('[data-testid="showcase"]'), 'an empty showcase shown to a visitor').toHaveCount(0);

  await go(ira, `/photos/${s.lighthouse}`);
  // Her story: the gift with Gena's note (she is its recipient).
  await expect(ira.locator('[data-testid="provenance-note"]').getByText(NOTE)).toBeVisible();
  // Liza reads it in the story too, until Ira hides it from others.
  await go(liza, `/photos/${s.lighthouse}`);
  await expect(liza.locator('[data-testid="provenance-note"]').getByText(NOTE)).toBeVisible();
  await expect(liza.getByRole('button', { name: 'Скрыть записку от других' }), 'a visitor is offered to hide the note').toHaveCount(0);
  await ira.getByRole('button', { name: 'Скрыть записку от других' }).click();
  await expect(ira.getByText('Эту записку видите только вы и даритель.')).toBeVisible();
  await liza.reload();
  await expect(liza.locator('[data-testid="story"]')).toBeVisible();
  await expect(liza.locator('[data-testid="provenance-note"]'), 'a hidden note is still shown to a visitor').toHaveCount(0);
  await go(liza, `/users/${s.iraId}`);
  await ira.getByRole('button', { name: 'Закрепить в профиле' }).click();
  await expect(ira.getByRole('button', { name: 'Открепить' })).toBeVisible();
  await expectPinned(liza, [s.lighthouse!]);
  s.own = await uploadVia(ira, `Витрина ${RUN}`);
  await ira.getByRole('button', { name: 'Закрепить в профиле' }).click();
  await expect(ira.getByRole('button', { name: 'Открепить' })).toBeVisible();
  await expectPinned(liza, [s.lighthouse!, s.own]);

  await go(ira, `/users/${s.iraId}`);
  await expectPinned(ira, [s.lighthouse!, s.own]);
  await ira.getByRole('button', { name: `Поднять «Витрина ${RUN}»` }).click();
  await expectPinned(ira, [s.own, s.lighthouse!]);
  await expectPinned(liza, [s.own, s.lighthouse!]);
  await assertNoEnglish(ira, 'own showcase');
  await shot(ira, 'showcase-own');
  await assertNoEnglish(liza, 'showcase seen by a visitor');
  await shot(liza, 'showcase-visitor');
  for (const theme of ['dark', 'light'] as const) {
    for (const viewport of [NARROW, PHONE]) {
      const p = await open.max(IRA, { theme, viewport });
      await p.goto(baseUrl);
      await expect(p.getByRole('heading', { name: 'Галерея' })).toBeVisible();
      await go(p, `/users/${s.iraId}`);
      await expectPinned(p, [s.own, s.lighthouse!]);
      await assertNoHorizontalOverflow(p, `showcase ${viewport.width} ${theme}`);
      if (viewport === PHONE) await assertAccessible(p, `showcase ${theme}`);
      await shot(p, 'showcase');
      await go(p, `/photos/${s.lighthouse}`);
      await expect(p.locator('[data-testid="story"]')).toBeVisible();
      await assertNoHorizontalOverflow(p, `detail story ${viewport.width} ${theme}`);
      if (viewport === PHONE) await assertAccessible(p, `detail story ${theme}`);
      await shot(p, 'detail-story');
      await p.context().close();
    }
  }

  await go(ira, `/photos/${s.own}`);
  await ira.getByRole('button', { name: 'Скрыть из профиля' }).click();
  await expect(ira.getByText('Скрыто из вашего профиля')).toBeVisible();
  await expectPinned(liza, [s.lighthouse!]);
  await ira.getByRole('button', { name: 'Показать в профиле' }).click();
  await expect(ira.getByRole('button', { name: 'Закрепить в профиле' })).toBeVisible(); // hiding unpinned it
});

test("ru/Max: an incoming trade shows the offered object's story before accepting; thumbs carry the number", async () => {
  const offered = await uploadVia(gena, `Шторм ${RUN}`);
  await go(gena, `/photos/${s.own}`);
  await gena.getByRole('link', { name: 'Предложить обмен' }).click();
  await gena.waitForURL(/\/trades\/new/);
  await gena.locator(`.pick-grid [data-photo-id="${offered}"]`).click();
  await gena.getByRole('button', { name: /Отправить: Ира/ }).click();
  await gena.waitForURL(/\/trades\/\d+$/);
  const tradeId = Number(gena.url().match(/\/trades\/(\d+)$/)![1]);
  await go(ira, `/trades/${tradeId}`);
  const story = ira.locator(`.trade-story[data-photo-id="${offered}"]`);
  await expect(story.locator('[data-testid="story"]').getByText('Автор')).toBeVisible();
  await expect(story.getByRole('link', { name: 'Гена Маяков' }).first()).toBeVisible();
  await expect.poll(async () => (await ira.locator('.photo-thumb .mint-number').first().textContent())?.trim(), { message: 'a trade thumb has a number' }).toMatch(RU_NUMBER);
  await assertNoEnglish(ira, 'incoming trade story');
  await shot(ira, 'trade-story');
});
