// Issue 20's collector's gallery on screen: the mint number on tiles, detail, thumbs and the claim
// preview; the object's story (number, author, minted, owners) before taking a gift and on an
// incoming trade; a giver's note (counted, refused past 280 characters, shown to the recipient,
// who can hide it); the showcase (pin, reorder, hide from profile) seen live by another viewer;
// Max's full brightness while a QR is shown. In Russian/Max and English/Telegram, screenshots at
// 390 and 320 px, light and dark.
import { NARROW, PHONE, maxPhone, telegramPhone } from './lib/browser.mjs';
import { assertAccessible, assertNoEnglish, assertNoHorizontalOverflow } from './lib/checks.mjs';
import { noisePng } from './lib/image.mjs';

const RU_NUMBER = /^№\u00a0\d{1,3}(\u00a0\d{3})*$/;
const EN_NUMBER = /^No\. \d{1,3}(,\d{3})*$/;
const LONG_NOTE = 'а'.repeat(281);

const linkOf = async (page) => page.locator('.share-code input').inputValue();
const tokenOf = (link) => (link.match(/claim_([\w-]+)/) ?? link.match(/\/claim\/([\w-]+)/))[1];
const calls = (page) => page.evaluate(() => window.__calls ?? []);

async function waitForCall(page, name, timeout = 10_000) {
  await page.waitForFunction((n) => (window.__calls ?? []).some((c) => c[0] === n), name, { timeout });
}

/** The showcase's items on this page, in the order shown. */
const pinned = (page) => page.locator('[data-testid="showcase"] .showcase-item').evaluateAll((els) => els.map((e) => Number(e.dataset.photoId)));

async function waitForPinned(page, ids, timeout = 10_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const now = await pinned(page).catch(() => []);
    if (JSON.stringify(now) === JSON.stringify(ids)) return;
    if (Date.now() > until) throw new Error(`showcase shows ${JSON.stringify(now)}, expected ${JSON.stringify(ids)}`);
    await page.waitForTimeout(100);
  }
}

/** Upload in Telegram, where "Upload" is the host's main button; returns the new photo's id. */
async function uploadInTelegram(page, go, title) {
  await go(page, '/upload');
  await page.locator('input[data-testid="file-pick"]').setInputFiles({ name: `${title}.png`, mimeType: 'image/png', buffer: noisePng() });
  await page.locator('#upload-title').fill(title);
  await page.waitForFunction(() => window.__mainButton.visible && window.__mainButton.active && window.__mainButton.text === 'Upload');
  await page.evaluate(() => window.__mainButton.press());
  await page.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
  return Number(page.url().match(/\/photos\/(\d+)$/)[1]);
}

export async function collector({ browser, base, step, check, go, shot, maxInit, tgInit, uploadVia, userId, run }) {
  const GENA = { id: 8_100_000 + (Date.now() % 100_000) * 8, first_name: 'Гена', last_name: 'Маяков', username: `gena_${run}`, language_code: 'ru' };
  const IRA = { ...GENA, id: GENA.id + 1, first_name: 'Ира', last_name: 'Витринная', username: `ira_${run}` };
  const LIZA = { ...GENA, id: GENA.id + 2, first_name: 'Лиза', last_name: 'Зрительница', username: `liza_${run}` };
  const ERIN = { id: GENA.id + 3, first_name: 'Erin', last_name: 'Keeper', username: `erin_${run}`, language_code: 'en' };
  const FRANK = { ...ERIN, id: GENA.id + 4, first_name: 'Frank', last_name: 'Finder', username: `frank_${run}` };
  const NOTE = 'С днём рождения! Этот маяк — тебе.';
  const s = {};

  const gc = await maxPhone(browser, maxInit(GENA));
  const gena = await gc.newPage();

  await step('ru/Max: a numbered tile and detail; Share sends the object\'s page, which unfolds into a card (og tags); a claim link with a note (281 characters refused) raises the brightness while shown, restores it after', async () => {
    await gena.goto(base);
    await gena.getByRole('heading', { name: 'Галерея' }).waitFor();
    s.lighthouse = await uploadVia(gena, `Маяк ${run}`);
    const number = (await gena.locator('main .mint-number').first().textContent()).trim();
    check(RU_NUMBER.test(number), `the detail's number reads ${JSON.stringify(number)}`);
    s.number = number;
    // Share: the object's own page goes into a Max chat, and that page unfolds into a card for a
    // link-preview bot (Open Graph tags from the backend: title with the number, the picture).
    await gena.evaluate(() => (window.__calls.length = 0));
    await gena.getByRole('button', { name: 'Поделиться' }).click();
    await waitForCall(gena, 'shareMaxContent');
    const [, shared] = (await calls(gena)).find((c) => c[0] === 'shareMaxContent');
    check(shared.link === `${base}/photos/${s.lighthouse}`, `shared ${JSON.stringify(shared)}`);
    check(shared.text === `Маяк ${run} · ${number}`, `shared text ${JSON.stringify(shared.text)}`);
    const page = await (await fetch(shared.link, { headers: { 'User-Agent': 'TelegramBot (like TwitterBot)' } })).text();
    const og = (name) => page.match(new RegExp(`<meta property="${name}" content="([^"]*)"`))?.[1];
    check(og('og:title') === `Маяк ${run} · ${number}`, `og:title is ${og('og:title')}`);
    check(og('og:description')?.includes('Гена Маяков'), `og:description is ${og('og:description')}`);
    const picture = await fetch(og('og:image'));
    check(picture.ok && picture.headers.get('content-type') === 'image/webp', `og:image ${og('og:image')} answers ${picture.status}`);
    await go(gena, '/me');
    const tile = gena.locator(`.photo-grid [data-photo-id="${s.lighthouse}"] .mint-number`);
    await tile.waitFor();
    check((await tile.textContent()).trim() === number, 'the tile shows another number than the detail');

    await go(gena, `/photos/${s.lighthouse}/transfer`);
    const note = gena.locator('#code-note');
    await note.fill(LONG_NOTE);
    await gena.getByText('Записка — не длиннее 280 символов (сейчас 281).').waitFor();
    check(await gena.getByRole('button', { name: 'Создать ссылку' }).isDisabled(), 'a code with a 281-character note can be made');
    await assertNoEnglish(gena, 'note too long');
    await shot(gena, 'note-too-long');
    await note.fill(NOTE);
    await gena.getByText(`${Array.from(NOTE).length} / 280`).waitFor();
    await gena.getByRole('button', { name: 'Создать ссылку' }).click();
    await gena.locator('.qr-box img').waitFor();
    await waitForCall(gena, 'requestScreenMaxBrightness');
    await gena.locator('[data-testid="gift-note"]').getByText(NOTE).waitFor();
    s.token = tokenOf(await linkOf(gena));
    await shot(gena, 'gift-code-note');
    check(!(await calls(gena)).some((c) => c[0] === 'restoreScreenBrightness'), 'brightness restored while the code is still shown');
    await go(gena, `/photos/${s.lighthouse}`);
    await waitForCall(gena, 'restoreScreenBrightness');
  });

  const ic = await maxPhone(browser, maxInit(IRA, `claim_${s.token}`), { startParam: `claim_${s.token}` });
  const ira = await ic.newPage();

  await step('ru/Max: the claim preview shows the number, the note, the author, when minted and the owners — before taking it (390/320, light/dark)', async () => {
    for (const colorScheme of ['dark', 'light']) {
      for (const viewport of [NARROW, PHONE]) {
        const c = await maxPhone(browser, maxInit(IRA, `claim_${s.token}`), { startParam: `claim_${s.token}`, colorScheme, viewport });
        const p = await c.newPage();
        await p.goto(base);
        await p.locator('[data-claim-state="open"]').waitFor();
        const card = p.locator('.claim-card');
        check((await card.locator('.mint-number').first().textContent()).trim() === s.number, 'the preview shows another number');
        await card.locator('[data-testid="gift-note"]').getByText(NOTE).waitFor();
        await card.getByText('Гена Маяков пишет:').waitFor();
        const story = card.locator('[data-testid="story"]');
        for (const text of ['Автор', 'Выпущено', 'Владельцы']) await story.getByText(text).first().waitFor();
        await story.getByRole('link', { name: 'Гена Маяков' }).first().waitFor();
        await assertNoEnglish(p, `claim story ${viewport.width} ${colorScheme}`);
        await assertNoHorizontalOverflow(p, `claim story ${viewport.width} ${colorScheme}`);
        if (viewport === PHONE) await assertAccessible(p, `claim story ${colorScheme}`);
        await shot(p, 'claim-story');
        await c.close();
      }
    }
    await ira.goto(base);
    await ira.locator('[data-claim-state="open"]').waitFor();
    await ira.getByRole('button', { name: 'Забрать' }).click();
    await ira.getByText('Теперь оно ваше').waitFor();
    s.iraId = await userId(ira);
  });

  const lc = await maxPhone(browser, maxInit(LIZA));
  const liza = await lc.newPage();

  await step('ru/Max: the new owner hides the note from others; pins it and another, reorders; a viewer of the profile sees each change live; hidden from the profile it leaves the showcase', async () => {
    await liza.goto(base);
    await liza.getByRole('heading', { name: 'Галерея' }).waitFor();
    // Liza's own profile: the empty showcase explains how to pin.
    const lizaId = await userId(liza);
    await go(liza, `/users/${lizaId}`);
    await liza.locator('[data-testid="showcase-empty"]').waitFor();
    await assertNoEnglish(liza, 'empty showcase');
    await shot(liza, 'showcase-empty');
    // Watching Ira's profile: nothing pinned yet, so no showcase at all.
    await go(liza, `/users/${s.iraId}`);
    await liza.locator('.photo-grid, .state-block').first().waitFor();
    check((await liza.locator('[data-testid="showcase"]').count()) === 0, 'an empty showcase shown to a visitor');

    await go(ira, `/photos/${s.lighthouse}`);
    // Her story: the gift with Gena's note (she is its recipient).
    await ira.locator('[data-testid="provenance-note"]').getByText(NOTE).waitFor();
    // Liza reads it in the story too, until Ira hides it from others.
    await go(liza, `/photos/${s.lighthouse}`);
    await liza.locator('[data-testid="provenance-note"]').getByText(NOTE).waitFor();
    check((await liza.getByRole('button', { name: 'Скрыть записку от других' }).count()) === 0, 'a visitor is offered to hide the note');
    await ira.getByRole('button', { name: 'Скрыть записку от других' }).click();
    await ira.getByText('Эту записку видите только вы и даритель.').waitFor();
    await liza.reload();
    await liza.locator('[data-testid="story"]').waitFor();
    check((await liza.locator('[data-testid="provenance-note"]').count()) === 0, 'a hidden note is still shown to a visitor');
    await go(liza, `/users/${s.iraId}`);
    await ira.getByRole('button', { name: 'Закрепить в профиле' }).click();
    await ira.getByRole('button', { name: 'Открепить' }).waitFor();
    await waitForPinned(liza, [s.lighthouse]);
    s.own = await uploadVia(ira, `Витрина ${run}`);
    await ira.getByRole('button', { name: 'Закрепить в профиле' }).click();
    await ira.getByRole('button', { name: 'Открепить' }).waitFor();
    await waitForPinned(liza, [s.lighthouse, s.own]);

    await go(ira, `/users/${s.iraId}`);
    await waitForPinned(ira, [s.lighthouse, s.own]);
    await ira.getByRole('button', { name: `Поднять «Витрина ${run}»` }).click();
    await waitForPinned(ira, [s.own, s.lighthouse]);
    await waitForPinned(liza, [s.own, s.lighthouse]);
    await assertNoEnglish(ira, 'own showcase');
    await shot(ira, 'showcase-own');
    await assertNoEnglish(liza, 'showcase seen by a visitor');
    await shot(liza, 'showcase-visitor');
    for (const colorScheme of ['dark', 'light']) {
      for (const viewport of [NARROW, PHONE]) {
        const c = await maxPhone(browser, maxInit(IRA), { colorScheme, viewport });
        const p = await c.newPage();
        await p.goto(base);
        await p.getByRole('heading', { name: 'Галерея' }).waitFor();
        await go(p, `/users/${s.iraId}`);
        await waitForPinned(p, [s.own, s.lighthouse]);
        await assertNoHorizontalOverflow(p, `showcase ${viewport.width} ${colorScheme}`);
        if (viewport === PHONE) await assertAccessible(p, `showcase ${colorScheme}`);
        await shot(p, 'showcase');
        await go(p, `/photos/${s.lighthouse}`);
        await p.locator('[data-testid="story"]').waitFor();
        await assertNoHorizontalOverflow(p, `detail story ${viewport.width} ${colorScheme}`);
        if (viewport === PHONE) await assertAccessible(p, `detail story ${colorScheme}`);
        await shot(p, 'detail-story');
        await c.close();
      }
    }

    await go(ira, `/photos/${s.own}`);
    await ira.getByRole('button', { name: 'Скрыть из профиля' }).click();
    await ira.getByText('Скрыто из вашего профиля').waitFor();
    await waitForPinned(liza, [s.lighthouse]);
    await ira.getByRole('button', { name: 'Показать в профиле' }).click();
    await ira.getByRole('button', { name: 'Закрепить в профиле' }).waitFor(); // hiding unpinned it
  });

  await step('ru/Max: an incoming trade shows the offered object\'s story before accepting; thumbs carry the number', async () => {
    const offered = await uploadVia(gena, `Шторм ${run}`);
    await go(gena, `/photos/${s.own}`);
    await gena.getByRole('link', { name: 'Предложить обмен' }).click();
    await gena.waitForURL(/\/trades\/new/);
    await gena.locator(`.pick-grid [data-photo-id="${offered}"]`).click();
    await gena.getByRole('button', { name: /Отправить: Ира/ }).click();
    await gena.waitForURL(/\/trades\/\d+$/);
    const tradeId = Number(gena.url().match(/\/trades\/(\d+)$/)[1]);
    await go(ira, `/trades/${tradeId}`);
    const story = ira.locator(`.trade-story[data-photo-id="${offered}"]`);
    await story.locator('[data-testid="story"]').getByText('Автор').waitFor();
    await story.getByRole('link', { name: 'Гена Маяков' }).first().waitFor();
    check(RU_NUMBER.test((await ira.locator('.photo-thumb .mint-number').first().textContent()).trim()), 'a trade thumb has no number');
    await assertNoEnglish(ira, 'incoming trade story');
    await shot(ira, 'trade-story');
  });

  await gc.close();
  await ic.close();
  await lc.close();

  // --- English, Telegram ------------------------------------------------------------------
  const ec = await telegramPhone(browser, tgInit(ERIN), { locale: 'en-US' });
  const erin = await ec.newPage();
  const fc = await telegramPhone(browser, tgInit(FRANK), { locale: 'en-US' });
  const frank = await fc.newPage();

  await step('en/Telegram: a direct gift with a note (281 characters refused, in English); the recipient reads it in the story and hides it from others; no brightness call outside Max', async () => {
    await Promise.all([erin.goto(base), frank.goto(base)]);
    await Promise.all([erin, frank].map((p) => p.getByRole('heading', { name: 'Gallery' }).waitFor()));
    s.frankId = await userId(frank);
    s.erinPhoto = await uploadInTelegram(erin, go, `Harbour ${run}`);
    check(EN_NUMBER.test((await erin.locator('main .mint-number').first().textContent()).trim()), 'the English number is not "No. n"');
    await go(erin, `/photos/${s.erinPhoto}/transfer`);
    await erin.getByRole('tab', { name: 'To a person' }).click();
    await erin.getByPlaceholder('Search by name or username').fill('Frank');
    await erin.locator(`[data-user-id="${s.frankId}"]`).click();
    await erin.locator('#gift-note').fill('a'.repeat(281));
    await erin.getByText('A note can be at most 280 characters (281 now).').waitFor();
    await erin.waitForFunction(() => window.__mainButton.visible && !window.__mainButton.active);
    await shot(erin, 'note-too-long-en');
    await erin.locator('#gift-note').fill('For your harbour wall. — Erin');
    await erin.waitForFunction(() => window.__mainButton.visible && window.__mainButton.active);
    await erin.evaluate(() => window.__mainButton.press());
    await erin.waitForURL(new RegExp(`/photos/${s.erinPhoto}$`));

    await go(frank, `/photos/${s.erinPhoto}`);
    const story = frank.locator('[data-testid="story"]');
    await story.locator('[data-testid="provenance-note"]').getByText('For your harbour wall. — Erin').waitFor();
    await story.getByText('Minted').first().waitFor();
    await shot(frank, 'detail-story-en');
    // Share in Telegram: the object's page through t.me/share (no bot card here: no bot configured).
    await frank.evaluate(() => (window.__calls.length = 0));
    await frank.getByRole('button', { name: 'Share' }).click();
    await waitForCall(frank, 'openTelegramLink');
    const [, url] = (await calls(frank)).find((c) => c[0] === 'openTelegramLink');
    check(decodeURIComponent(url).includes(`${base}/photos/${s.erinPhoto}`), `shared ${url}`);
    await go(frank, '/trades');
    await frank.getByRole('tab', { name: 'Gifts' }).click();
    await frank.getByRole('button', { name: 'Hide the note from others' }).click();
    await frank.getByRole('button', { name: 'Show the note to others' }).waitFor();
    await frank.getByText('Only you and the giver see this note.').first().waitFor();
    await shot(frank, 'transfers-note-en');
    check(!(await calls(erin)).some((c) => /Brightness/.test(c[0])), 'a brightness call in Telegram');
  });

  await step('en/Telegram: the claim preview with number, note and story in English (390/320, light/dark)', async () => {
    const photo = await uploadInTelegram(erin, go, `Pier ${run}`);
    await go(erin, `/photos/${photo}/transfer`);
    await erin.locator('#code-note').fill('Yours if you want it.');
    await erin.waitForFunction(() => window.__mainButton.visible && window.__mainButton.active && window.__mainButton.text === 'Create a claim link');
    await erin.evaluate(() => window.__mainButton.press());
    await erin.locator('.qr-box img').waitFor();
    const token = tokenOf(await linkOf(erin));
    for (const colorScheme of ['dark', 'light']) {
      for (const viewport of [NARROW, PHONE]) {
        const c = await telegramPhone(browser, tgInit(FRANK, `claim_${token}`), { startParam: `claim_${token}`, colorScheme, viewport, locale: 'en-US' });
        const p = await c.newPage();
        await p.goto(base);
        await p.locator('[data-claim-state="open"]').waitFor();
        check(EN_NUMBER.test((await p.locator('.claim-card .mint-number').first().textContent()).trim()), 'no English number on the preview');
        await p.getByText('Yours if you want it.').waitFor();
        await p.locator('[data-testid="story"]').getByText('Author').waitFor();
        await assertNoHorizontalOverflow(p, `claim story en ${viewport.width} ${colorScheme}`);
        if (viewport === PHONE) await assertAccessible(p, `claim story en ${colorScheme}`);
        await shot(p, 'claim-story-en');
        await c.close();
      }
    }
  });

  await ec.close();
  await fc.close();
}
