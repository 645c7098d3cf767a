// End-to-end: real backend + database + Debian's headless Chromium.
//   E2E_BASE_URL       backend serving webapp/dist (else one is started, see lib/backend.mjs)
//   E2E_MAX_BOT_TOKEN  the bot token the backend checks Max initData with
//   E2E_TG_BOT_TOKEN   the same for Telegram
//   E2E_DATABASE_URL   the backend's database (to age a claim link into "expired")
// The core flows run as a Russian Max user and as an English Telegram user; screenshots of
// every screen (ru 390×844 and 320 px, light and dark; en desktop) go to e2e/screenshots/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from './lib/backend.mjs';
import { DESKTOP, NARROW, PHONE, launch, maxPhone, telegramPhone } from './lib/browser.mjs';
import { assertAccessible, assertNoEnglish, assertNoHorizontalOverflow } from './lib/checks.mjs';
import { noisePng } from './lib/image.mjs';
import { collector } from './collector.mjs';
import { hands } from './hands.mjs';
import { resilience } from './resilience.mjs';
import { review } from './review.mjs';
import { signInitData } from './lib/initData.mjs';

const OUT = new URL('./screenshots/', import.meta.url).pathname;
const MAX_TOKEN = process.env.E2E_MAX_BOT_TOKEN ?? 'e2e-test-bot-token';
const TG_TOKEN = process.env.E2E_TG_BOT_TOKEN ?? '654321:e2e-tg-token';
const RUN = Date.now().toString(36);
const BASE_ID = 7_000_000 + (Date.now() % 1_000_000) * 4;
const ALICE = { id: BASE_ID, first_name: 'Алиса', last_name: 'Линза', username: `alice_${RUN}`, language_code: 'ru' };
const BOB = { id: BASE_ID + 1, first_name: 'Борис', last_name: 'Рамкин', username: `bob_${RUN}`, language_code: 'ru' };
const CAROL = { id: BASE_ID + 2, first_name: 'Вера', last_name: 'Кадрова', username: `carol_${RUN}`, language_code: 'ru' };
const DAVE = { id: BASE_ID + 3, first_name: 'Dave', last_name: 'Shutter', username: `dave_${RUN}`, language_code: 'en' };

mkdirSync(OUT, { recursive: true });
/** Pages and ids shared between the phases. */
const ctx = {};

let passed = 0;
let failed = 0;
const results = [];

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    results.push(`ok   ${name} (${Date.now() - t0} ms)`);
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    results.push(`FAIL ${name}: ${err.message}`);
    console.error(`FAIL ${name}\n${err.stack}`);
    throw err;
  }
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.locator('main .state-block[role=status]').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {});
  await page.waitForTimeout(350); // images fade in
}

async function shot(page, name) {
  await settle(page);
  const { width } = page.viewportSize();
  const scheme = await page.evaluate(() => document.documentElement.dataset.bsTheme);
  await page.screenshot({ path: join(OUT, `${name}-${width}-${scheme}.png`), fullPage: true });
}

/** In-app navigation (like tapping a link): the desktop's access token lives in memory only. */
async function go(page, path) {
  await page.evaluate((p) => {
    window.history.pushState({ depth: 1 }, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.waitForURL((url) => url.pathname + url.search === path);
}

function expectText(page, text, timeout = 10_000) {
  return page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout });
}

const bridgeCalls = (page) => page.evaluate(() => window.__calls ?? []);
async function waitForCall(page, name, pred = () => true, timeout = 10_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const calls = await bridgeCalls(page);
    const hit = calls.find((c) => c[0] === name && pred(...c.slice(1)));
    if (hit) return hit;
    if (Date.now() > until) throw new Error(`bridge call ${name} not made; calls: ${JSON.stringify(calls.slice(-12))}`);
    await page.waitForTimeout(100);
  }
}
const clearCalls = (page) => page.evaluate(() => (window.__calls.length = 0));

function sql(query) {
  const url = process.env.E2E_DATABASE_URL; // set by scripts/e2e.sh, or by lib/backend.mjs
  if (!url) throw new Error('E2E_DATABASE_URL is not set');
  return execFileSync('psql', [url, '-qAtc', query], { encoding: 'utf8' }).trim();
}

async function chooseFile(page, name, buffer = noisePng(), mimeType = 'image/png') {
  await page.locator('input[data-testid="file-pick"]').setInputFiles({ name, mimeType, buffer });
}

/** Uploads a photo from the upload screen and returns its id. */
async function uploadVia(page, title) {
  await go(page, '/upload');
  await chooseFile(page, `${title}.png`);
  await page.locator('#upload-title').fill(title);
  await page.getByRole('button', { name: /^(Загрузить|Upload)$/ }).click();
  await page.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
  return Number(page.url().match(/\/photos\/(\d+)$/)[1]);
}

/** The app's own user id, as the settings screen shows it. */
async function userId(page) {
  const back = new URL(page.url());
  await go(page, '/settings');
  const text = await page.getByText(/^ID \d+/).first().textContent();
  await go(page, back.pathname + back.search);
  return Number(text.match(/ID (\d+)/)[1]);
}

const backend = await useBackend({ botToken: MAX_TOKEN });
const base = backend.baseUrl;
const browser = await launch();
const maxInit = (user, startParam, authDate) => signInitData(MAX_TOKEN, { user, startParam, authDate });
const tgInit = (user, startParam) => signInitData(TG_TOKEN, { user, startParam });

// E2E_ONLY=collector runs that phase alone (it makes its own users), while developing it.
const ONLY = process.env.E2E_ONLY;
try {
  if (ONLY === 'collector') {
    await collector({ browser, base, step, check, go, shot, maxInit, tgInit, uploadVia, userId, run: RUN });
    throw new Error('E2E_ONLY');
  }
  await russianMax();
  await resilience({ browser, base, step, check, go, shot, maxInit, tgInit, tgUser: DAVE, user: CAROL });
  await hands({ browser, base, step, check, go, shot, maxInit, uploadVia, giver: ALICE, holder: CAROL });
  await englishTelegram();
  await collector({ browser, base, step, check, go, shot, maxInit, tgInit, uploadVia, userId, run: RUN });
  await screensAndAccessibility();
  await review({ browser, base, step, check, go, shot, maxInit, tgInit, run: RUN });
} catch (err) {
  // Steps report their own failures; anything else is a failure of the suite itself.
  if (err.message !== 'E2E_ONLY' && !results.some((r) => r.startsWith('FAIL'))) {
    failed++;
    results.push(`FAIL setup: ${err.message}`);
    console.error(err);
  }
} finally {
  writeFileSync(join(OUT, 'results.txt'), results.join('\n') + '\n');
  await browser.close();
  await backend.stop();
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  console.log(`screenshots: ${OUT}`);
  process.exitCode = failed || !passed ? 1 : 0;
}


async function russianMax() {
  const aliceCtx = await maxPhone(browser, maxInit(ALICE));
  const bobCtx = await maxPhone(browser, maxInit(BOB));
  const alice = (ctx.alice = await aliceCtx.newPage());
  const bob = (ctx.bob = await bobCtx.newPage());

  await step('ru/Max: signs in with initData, Russian UI, no brand header, ready() called', async () => {
    await Promise.all([alice.goto(base), bob.goto(base)]);
    for (const p of [alice, bob]) {
      await p.getByRole('heading', { name: 'Галерея' }).waitFor();
      check(await p.evaluate(() => window.__ready), 'WebApp.ready() was not called');
      check((await p.locator('.app-header').count()) === 0, 'the app draws its own header inside Max');
    }
    await bob.locator('.live-dot.live-open').waitFor({ timeout: 10_000 });
    await assertNoEnglish(alice, 'gallery');
  });

  await step('ru/Max: upload — closing confirmation on while it runs and off after, success haptic, live in the other app', async () => {
    const title = `Гавань ${RUN}`;
    await alice.getByRole('link', { name: 'Загрузить' }).first().click();
    await alice.waitForURL('**/upload');
    await assertNoEnglish(alice, 'upload (empty)');
    // Nothing chosen: the button is disabled and says why.
    check(await alice.getByRole('button', { name: 'Загрузить', exact: true }).isDisabled(), 'upload enabled without a file');
    await expectText(alice, 'Сначала выберите фото');
    await clearCalls(alice);
    await chooseFile(alice, 'harbour.png');
    await alice.locator('#upload-title').fill(title);
    await waitForCall(alice, 'enableClosingConfirmation');
    const cdp = await aliceCtx.newCDPSession(alice);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 150 * 1024 });
    await alice.getByRole('button', { name: 'Загрузить', exact: true }).click();
    await alice.waitForFunction(() => {
      const n = Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'));
      return n > 10 && n < 90;
    });
    await assertNoEnglish(alice, 'upload (progress)');
    await alice.screenshot({ path: join(OUT, 'upload-progress-390-light.png') });
    await alice.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    ctx.alicePhoto = Number(alice.url().match(/\/photos\/(\d+)$/)[1]);
    await waitForCall(alice, 'notificationOccurred', (t) => t === 'success');
    await waitForCall(alice, 'disableClosingConfirmation');
    const calls = (await bridgeCalls(alice)).map((c) => c[0]);
    check(calls.lastIndexOf('disableClosingConfirmation') > calls.indexOf('enableClosingConfirmation'), `closing confirmation not turned off after the upload: ${calls}`);
    await expectText(alice, title);
    await bob.locator(`.photo-grid [data-photo-id="${ctx.alicePhoto}"]`).waitFor({ timeout: 10_000 });
  });

  await step('ru/Max: a rejected file — refused on pick, before any upload: Russian message, error haptic, no title taken from it', async () => {
    await go(alice, '/upload');
    await clearCalls(alice);
    let uploads = 0;
    const count = (r) => r.url().includes('/api/photos/upload') && uploads++;
    alice.on('request', count);
    await chooseFile(alice, 'notes.txt', Buffer.from('not an image at all'), 'text/plain');
    await expectText(alice, 'Этот формат не подходит');
    check(await alice.getByRole('button', { name: 'Загрузить', exact: true }).isDisabled(), 'upload offered for a refused file');
    alice.off('request', count);
    check(uploads === 0, 'the refused file was sent');
    await waitForCall(alice, 'notificationOccurred', (t) => t === 'error');
    check((await alice.locator('#upload-title').inputValue()) === '', 'the rejected file’s title stayed in the form');
    await assertNoEnglish(alice, 'upload error');
    await shot(alice, 'upload-error');
  });

  await step('ru/Max: new trade — nothing picked → disabled with the reason; send; accept in the other app; the proposer sees it live', async () => {
    ctx.bobPhoto = await uploadVia(bob, `Луг ${RUN}`);
    ctx.bobId = await userId(bob);
    await go(bob, `/photos/${ctx.alicePhoto}`);
    await bob.getByRole('link', { name: 'Предложить обмен' }).click();
    await bob.waitForURL(/\/trades\/new/);
    const send = bob.getByRole('button', { name: /Отправить: Алиса/ });
    await send.waitFor();
    check(await send.isDisabled(), 'send enabled with nothing of mine picked');
    await expectText(bob, 'Выберите хотя бы одно своё фото');
    await bob.locator(`.pick-grid [data-photo-id="${ctx.bobPhoto}"]`).click();
    await bob.locator('#trade-msg').fill('Меняемся?');
    await assertNoEnglish(bob, 'new trade');
    await shot(bob, 'create-trade');
    await send.click();
    await bob.waitForURL(/\/trades\/\d+$/);
    ctx.tradeId = Number(bob.url().match(/\/trades\/(\d+)$/)[1]);
    await expectText(bob, 'Ждёт ответа');
    await go(alice, '/trades');
    const card = alice.locator(`[data-trade-id="${ctx.tradeId}"]`);
    await card.waitFor({ timeout: 10_000 });
    await assertNoEnglish(alice, 'trades inbox');
    await shot(alice, 'trades-inbox');
    await clearCalls(alice);
    await card.getByRole('button', { name: 'Принять' }).click();
    await card.getByText('Принят').first().waitFor();
    await waitForCall(alice, 'notificationOccurred', (t) => t === 'success');
    await bob.getByText('Обмен состоялся').first().waitFor({ timeout: 10_000 });
    // Who accepted, and who gave what — not the items' owners after the swap.
    await bob.locator('[data-testid="accepted-by"]').getByText('Алиса Линза').waitFor();
    await expectText(bob, 'Вы отдаёте');
    await expectText(bob, '(Алиса Линза)');
    await assertNoEnglish(bob, 'trade accepted');
    await shot(bob, 'trade-detail');
  });

  await step('ru/Max: give away by claim link — shared into Max with the link; the claim screen shows photo, giver, expiry; the giver sees who claimed, live', async () => {
    await go(alice, `/photos/${ctx.bobPhoto}`);
    await alice.getByRole('link', { name: 'Подарить' }).click();
    await alice.getByRole('button', { name: 'Создать ссылку' }).click();
    await alice.locator('.qr-box img').waitFor();
    const link = await alice.locator('.share-code input').inputValue();
    ctx.claimToken = (link.match(/startapp=claim_([\w-]+)/) ?? link.match(/\/claim\/([\w-]+)/))?.[1];
    check(ctx.claimToken, `no claim token in ${link}`);
    check(link.startsWith('https://max.ru/'), `a link made in Max is not a Max link: ${link}`);
    await clearCalls(alice);
    await alice.getByRole('button', { name: 'Поделиться' }).click();
    const [, shared] = await waitForCall(alice, 'shareMaxContent');
    check(shared.link === link, `shared ${JSON.stringify(shared)} instead of ${link}`);
    await assertNoEnglish(alice, 'claim link');
    await shot(alice, 'transfer-qr');

    const claimCtx = await maxPhone(browser, maxInit(BOB, `claim_${ctx.claimToken}`), { startParam: `claim_${ctx.claimToken}` });
    const claim = await claimCtx.newPage();
    await claim.goto(base);
    await claim.locator('[data-claim-state="open"]').waitFor();
    await expectText(claim, 'Алиса Линза');
    await expectText(claim, 'Забрать до');
    await assertNoEnglish(claim, 'claim (open)');
    await shot(claim, 'claim');
    await claim.getByRole('button', { name: 'Забрать' }).click();
    await expectText(claim, 'Теперь оно ваше');
    await waitForCall(claim, 'notificationOccurred', (t) => t === 'success');
    await claimCtx.close();
    await alice.locator('[data-testid="claimed-by"]').getByText('Борис Рамкин').waitFor({ timeout: 10_000 });
  });

  await step('ru/Max: claim links that are used, not yours, cancelled, expired and unknown show their state and no Claim button', async () => {
    const open = async (user, token) => {
      const c = await maxPhone(browser, maxInit(user, `claim_${token}`), { startParam: `claim_${token}` });
      const p = await c.newPage();
      await p.goto(base);
      await p.locator('[data-claim-state]').or(p.locator('.state-title')).first().waitFor();
      return { c, p };
    };
    // used: Carol opens the link Bob already claimed
    let { c, p } = await open(CAROL, ctx.claimToken);
    await p.locator('[data-claim-state="used"]').waitFor();
    // Who claimed it is the two parties' business (issue 19, N5): Carol is told it is used, not by whom.
    check((await p.getByText('Борис Рамкин').count()) === 0, 'a third party sees who claimed the link');
    check((await p.getByRole('button', { name: 'Забрать' }).count()) === 0, 'Claim offered on a used link');
    await assertNoEnglish(p, 'claim used');
    await shot(p, 'claim-used');
    await c.close();

    // not yours to claim: the giver opens her own pending link (Alice gave everything away: a new photo)
    ctx.alice2 = await uploadVia(alice, `Маяк ${RUN}`);
    await go(alice, `/photos/${ctx.alice2}/transfer`);
    await alice.getByRole('button', { name: 'Создать ссылку' }).click();
    await alice.locator('.qr-box img').waitFor();
    const first = (await alice.locator('.share-code input').inputValue()).match(/claim_([\w-]+)|\/claim\/([\w-]+)/).slice(1).find(Boolean);
    ({ c, p } = await open(ALICE, first));
    await p.locator('[data-claim-state="own"]').waitFor();
    check((await p.getByRole('button', { name: 'Забрать' }).count()) === 0, 'Claim offered to the giver');
    await shot(p, 'claim-own');
    await c.close();

    // cancelled: the giver cancels the link
    await alice.getByRole('button', { name: 'Отменить ссылку' }).click();
    await alice.getByText('Отменён').first().waitFor();
    ({ c, p } = await open(CAROL, first));
    await p.locator('[data-claim-state="cancelled"]').waitFor();
    await shot(p, 'claim-cancelled');
    await c.close();

    // expired: a fresh link aged past its expiry in the database
    await go(alice, `/photos/${ctx.alice2}`);
    await go(alice, `/photos/${ctx.alice2}/transfer`);
    await alice.getByRole('button', { name: 'Создать ссылку' }).click();
    await alice.locator('.qr-box img').waitFor();
    // The cancelled link's QR may still be on screen for a moment: wait for the new link itself.
    await alice.waitForFunction((old) => {
      const input = document.querySelector('.share-code input');
      return !!input?.value && !input.value.includes(old);
    }, first);
    const aged = (await alice.locator('.share-code input').inputValue()).match(/claim_([\w-]+)|\/claim\/([\w-]+)/).slice(1).find(Boolean);
    const id = await alice.locator('[data-transfer-id]').getAttribute('data-transfer-id');
    sql(`UPDATE transfers SET expires_at = now() - interval '1 minute' WHERE id = ${Number(id)}`);
    ({ c, p } = await open(CAROL, aged));
    await p.locator('[data-claim-state="expired"]').waitFor();
    check((await p.getByRole('button', { name: 'Забрать' }).count()) === 0, 'Claim offered on an expired link');
    await assertNoEnglish(p, 'claim expired');
    await shot(p, 'claim-expired');
    await c.close();

    ({ c, p } = await open(CAROL, 'no-such-token-at-all'));
    await expectText(p, 'Ссылка не найдена');
    await c.close();
  });

  await step('ru/Max: an open trade opened by someone who cannot fulfil it says why and offers nothing to tap', async () => {
    // Alice offers her new photo for one Bob holds; Carol holds none of it.
    await go(alice, `/trades/new?to=${ctx.bobId}&want=${ctx.alicePhoto}&give=${ctx.alice2}`);
    await alice.locator('#trade-open').check({ force: true });
    await alice.getByRole('button', { name: 'Создать QR-код обмена' }).click();
    await alice.waitForURL(/\/trades\/\d+$/);
    await alice.locator('.qr-box img').waitFor();
    const link = await alice.locator('.share-code input').inputValue();
    const token = (link.match(/startapp=trade_([\w-]+)/) ?? link.match(/\/trade\/([\w-]+)/))?.[1];
    check(token, `no trade token in ${link}`);
    await shot(alice, 'trade-open-qr');
    const c = await maxPhone(browser, maxInit(CAROL, `trade_${token}`), { startParam: `trade_${token}` });
    const p = await c.newPage();
    await p.goto(base);
    await p.locator('[data-trade-id]').waitFor();
    await expectText(p, 'у вас нет всех фото');
    check((await p.getByRole('button', { name: 'Принять' }).count()) === 0, 'Accept offered to someone who cannot fulfil the trade');
    await assertNoEnglish(p, 'trade not yours');
    await shot(p, 'trade-cannot-accept');
    await c.close();
  });

  await step('ru/Max: private profile → request → owner allows (live); recipient picked by name, never by id', async () => {
    await go(bob, '/settings');
    await bob.locator('#private-switch').check({ force: true });
    await expectText(bob, 'Теперь профиль закрыт');
    await assertNoEnglish(bob, 'settings');
    await go(alice, `/users/${ctx.bobId}`);
    await expectText(alice, 'Профиль закрыт');
    await alice.getByPlaceholder('Сообщение (необязательно)').fill('Покажете луг?');
    await alice.getByRole('button', { name: 'Попросить доступ' }).click();
    await expectText(alice, 'Ваш запрос ждёт ответа');
    await go(bob, '/requests');
    await bob.getByRole('button', { name: 'Разрешить' }).click();
    await bob.getByText('Принят').first().waitFor();
    await alice.getByText('Профиль закрыт').waitFor({ state: 'detached', timeout: 10_000 });
    // Give a photo to a person: the picker searches by name.
    await go(alice, `/photos/${ctx.alice2}/transfer`);
    await alice.getByRole('tab', { name: 'Человеку' }).click();
    check((await alice.locator('input[inputmode=numeric]').count()) === 0, 'a numeric user-id field is still there');
    await alice.getByPlaceholder('Имя или имя пользователя').fill('Бор');
    await alice.locator(`[data-user-id="${ctx.bobId}"]`).click();
    await alice.getByRole('button', { name: /Подарить: Борис/ }).waitFor();
    await assertNoEnglish(alice, 'give to a person');
    await shot(alice, 'transfer-person');
  });

  await step('ru/Max: stale sign-in → a Russian explanation and “reopen”, never a password form', async () => {
    const stale = await maxPhone(browser, maxInit(CAROL, undefined, Math.floor(Date.now() / 1000) - 10 * 86400));
    const p = await stale.newPage();
    await p.goto(base);
    await p.locator('[data-testid="messenger-failure"]').waitFor();
    check((await p.locator('input[type=password]').count()) === 0, 'a password form inside Max');
    await assertNoEnglish(p, 'stale sign-in');
    await shot(p, 'signin-stale');
    await p.getByRole('button', { name: 'Перезапустить приложение' }).click();
    await waitForCall(p, 'close');
    await stale.close();
  });

  await step('ru/Max: a messenger-only user picks a desktop username with the first password', async () => {
    const fresh = await maxPhone(browser, maxInit({ ...CAROL, id: BASE_ID + 9, username: undefined, first_name: 'Гена' }));
    const p = await fresh.newPage();
    await p.goto(base);
    await go(p, '/settings');
    const save = p.getByRole('button', { name: 'Сохранить пароль' });
    await p.getByLabel('Новый пароль', { exact: true }).fill('first-password-1');
    await p.getByLabel('Повторите новый пароль').fill('first-password-1');
    check(await save.isDisabled(), 'Save enabled before a username was chosen');
    await p.getByLabel('Логин для компьютера').fill(`gena_${RUN}`);
    await save.click();
    await expectText(p, 'Пароль сохранён');
    await assertNoEnglish(p, 'first password');
    await fresh.close();
  });

  await step('ru/Max: the host back button appears on nested screens and goes back', async () => {
    await go(alice, '/');
    await alice.locator('.photo-grid [data-photo-id]').first().click();
    await alice.waitForURL(/\/photos\/\d+$/);
    check(await alice.evaluate(() => window.__backButton.visible), 'BackButton not shown');
    await alice.evaluate(() => window.__backButton.press());
    await alice.waitForURL((url) => url.pathname === '/');
    check(!(await alice.evaluate(() => window.__backButton.visible)), 'BackButton not hidden on a tab');
  });

  await step('ru/Max: a bot notification\'s open_app button (payload user_<id>, requests_in) opens that screen', async () => {
    const aliceId = await userId(alice);
    const fromButton = await maxPhone(browser, maxInit(BOB, `user_${aliceId}`), { startParam: `user_${aliceId}` });
    const page = await fromButton.newPage();
    await page.goto(base);
    await page.waitForURL(new RegExp(`/users/${aliceId}$`));
    await expectText(page, ALICE.first_name);
    await fromButton.close();
    const toRequests = await maxPhone(browser, maxInit(ALICE, 'requests_in'), { startParam: 'requests_in' });
    const requests = await toRequests.newPage();
    await requests.goto(base);
    await requests.waitForURL(/\/requests$/);
    await requests.getByRole('heading', { name: 'Запросы на просмотр' }).waitFor();
    await shot(requests, 'bot-button-requests-ru');
    await toRequests.close();
  });
}

async function englishTelegram() {
  const themeParams = {
    bg_color: '#ffffff',
    secondary_bg_color: '#f0f0f4',
    text_color: '#000000',
    hint_color: '#595960',
    link_color: '#1c5fa8',
    button_color: '#1c5fa8',
    button_text_color: '#ffffff',
  };
  const daveCtx = await telegramPhone(browser, tgInit(DAVE), { themeParams, locale: 'en-US' });
  const dave = (ctx.dave = await daveCtx.newPage());

  await step('en/Telegram: English UI, the host palette (link_color) applied, themeChanged followed at run time', async () => {
    await dave.goto(base);
    await dave.getByRole('heading', { name: 'Gallery' }).waitFor();
    check((await dave.evaluate(() => document.documentElement.lang)) === 'en', 'html lang is not en');
    check((await dave.locator('.app-header').count()) === 0, 'own header inside Telegram');
    const themed = await dave.evaluate(() => getComputedStyle(document.querySelector('.app-root')).getPropertyValue('--text-themed').trim());
    check(themed === '#1c5fa8', `link_color not applied: ${themed}`);
    await dave.evaluate(() => {
      window.Telegram.WebApp.themeParams = { ...window.Telegram.WebApp.themeParams, link_color: '#0b4f8a' };
      window.__tgEmit('themeChanged');
    });
    await dave.waitForFunction(() => getComputedStyle(document.querySelector('.app-root')).getPropertyValue('--text-themed').trim() === '#0b4f8a');
  });

  await step('en/Telegram: Upload is the main button; closing confirmation during the upload; success haptic', async () => {
    await go(dave, '/upload');
    await dave.waitForFunction(() => window.__mainButton.visible && window.__mainButton.text === 'Upload');
    check(!(await dave.evaluate(() => window.__mainButton.active)), 'main button active with no file');
    await chooseFile(dave, `dunes-${RUN}.png`);
    await dave.waitForFunction(() => window.__mainButton.active);
    await waitForCall(dave, 'enableClosingConfirmation');
    await dave.evaluate(() => window.__mainButton.press());
    await dave.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
    ctx.davePhoto = Number(dave.url().match(/\/photos\/(\d+)$/)[1]);
    await waitForCall(dave, 'notificationOccurred', (t) => t === 'success');
    await waitForCall(dave, 'disableClosingConfirmation');
    await dave.waitForFunction(() => !window.__mainButton.visible);
  });

  await step('en/Telegram: an open trade made here is shared through Telegram with a Telegram link', async () => {
    await go(dave, `/photos/${ctx.alice2}`); // Alice’s profile is public (Bob’s is private by now)
    await dave.getByRole('link', { name: 'Propose a trade' }).click();
    await dave.waitForURL(/\/trades\/new/);
    await dave.locator(`.pick-grid [data-photo-id="${ctx.davePhoto}"]`).click();
    await dave.locator('#trade-open').check({ force: true });
    await dave.waitForFunction(() => window.__mainButton.visible && window.__mainButton.active && window.__mainButton.text === 'Create trade QR');
    await dave.evaluate(() => window.__mainButton.press());
    await dave.waitForURL(/\/trades\/\d+$/);
    ctx.daveTrade = Number(dave.url().match(/\/trades\/(\d+)$/)[1]);
    await dave.locator('.qr-box img').waitFor();
    const link = await dave.locator('.share-code input').inputValue();
    check(link.startsWith('https://t.me/e2e_gallery_bot/'), `a link made in Telegram is not a Telegram link: ${link}`);
    await clearCalls(dave);
    await dave.getByRole('button', { name: 'Share' }).click();
    const [, url] = await waitForCall(dave, 'openTelegramLink');
    check(url.startsWith('https://t.me/share/url?url=') && decodeURIComponent(url).includes(link), `share went to ${url}`);
    await shot(dave, 'trade-open-qr-en');
  });

  await step('desktop (en): QR sign-in offers Max and Telegram links, approved from the phone; the session survives a reload', async () => {
    const desktopCtx = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
    const desktop = (ctx.desktop = await desktopCtx.newPage());
    await desktop.goto(base);
    const qr = desktop.locator('img[data-qr-value]');
    await qr.waitFor();
    // Either messenger's camera opens the code: both link forms are offered.
    const tgHref = await desktop.locator('[data-deep-link="telegram"]').getAttribute('href');
    const maxHref = await desktop.locator('[data-deep-link="max"]').getAttribute('href');
    check(tgHref.startsWith('https://t.me/e2e_gallery_bot/') && /startapp=login_/.test(tgHref), `telegram sign-in link: ${tgHref}`);
    check(maxHref.startsWith('https://max.ru/') && /startapp=login_/.test(maxHref), `max sign-in link: ${maxHref}`);
    await shot(desktop, 'signin');
    const payload = await qr.getAttribute('data-qr-value');
    await ctx.alice.evaluate((p) => (window.__nextScan = p), payload);
    await ctx.alice.getByRole('button', { name: 'Сканировать QR-код' }).first().click();
    await ctx.alice.waitForURL(/\/login\//);
    await assertNoEnglish(ctx.alice, 'approve login');
    await shot(ctx.alice, 'approve-login');
    await ctx.alice.getByRole('button', { name: 'Подтвердить' }).click();
    await expectText(ctx.alice, 'Вход на компьютере выполнен');
    await desktop.getByRole('heading', { name: 'Gallery' }).waitFor({ timeout: 15_000 });
    await desktop.locator('.header-avatar').waitFor();
    await shot(desktop, 'gallery');
    // A reload keeps the session: the refresh token is an HttpOnly cookie, invisible to scripts.
    await desktop.reload();
    await desktop.locator('.header-avatar').waitFor({ timeout: 15_000 });
    const exposed = await desktop.evaluate(() => document.cookie + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    check(!/refresh|eyJ/.test(exposed), `a token is readable by scripts: ${exposed}`);
  });

  await step('en/Telegram: a bot notification\'s web_app button (PUBLIC_URL/?startapp=trades_<id>) opens that trade', async () => {
    const fromButton = await telegramPhone(browser, tgInit(DAVE), { locale: 'en-US' });
    const page = await fromButton.newPage();
    await page.goto(`${base}/?startapp=trades_${ctx.daveTrade}`);
    await page.waitForURL(new RegExp(`/trades/${ctx.daveTrade}$`));
    // The trade itself, as its proposer sees it from a notification (an open trade's QR needs the
    // token only its creating screen held; tokens never come back from GET /api/trades/{id}).
    await page.getByRole('heading', { name: `Trade #${ctx.daveTrade}` }).waitFor();
    await shot(page, 'bot-button-trade-en');
    await fromButton.close();
  });
}

async function screensAndAccessibility() {
  const screens = [
    ['gallery', '/'],
    ['collection', '/me'],
    ['trades', '/trades'],
    ['requests', '/requests'],
    ['settings', '/settings'],
    ['upload', '/upload'],
    ['photo-detail', `/photos/${ctx.alice2}`],
    ['transfer', `/photos/${ctx.alice2}/transfer`],
    ['create-trade', `/trades/new`],
    ['trade-detail', `/trades/${ctx.tradeId}`],
    ['user-profile', `/users/${ctx.bobId}`],
    ['not-found', '/nope/nothing'],
  ];
  const MAIN = new Set(['gallery', 'collection', 'trades', 'settings', 'upload', 'photo-detail', 'transfer', 'trade-detail']);

  await step('the public gallery paints while sign-in is still running', async () => {
    const c = await maxPhone(browser, maxInit(ALICE));
    let release;
    const held = new Promise((r) => (release = r));
    await c.route('**/api/auth/max', async (route) => {
      await held; // sign-in answers only after the gallery has been seen
      await route.continue();
    });
    const p = await c.newPage();
    await p.goto(base);
    await p.locator('[aria-busy=true] .photo-grid [data-photo-id]').first().waitFor({ timeout: 10_000 });
    check((await p.locator('.tab-bar').count()) === 0, 'the signed-in shell showed before sign-in finished');
    release();
    await p.locator('.tab-bar').waitFor();
    await p.locator('.photo-grid [data-photo-id]').first().waitFor();
    await c.close();
  });

  await step('every screen in Russian at 390×844 and 320 px, light and dark: no English, axe (contrast, tap targets) clean, nothing cut off', async () => {
    for (const colorScheme of ['light', 'dark']) {
      for (const viewport of [PHONE, NARROW]) {
        const c = await maxPhone(browser, maxInit(ALICE), { colorScheme, viewport });
        const p = await c.newPage();
        await p.goto(base);
        await p.getByRole('heading', { name: 'Галерея' }).waitFor();
        for (const [name, path] of screens) {
          if (path !== '/') await go(p, path);
          await p.locator('main .screen-title, main .state-block').first().waitFor();
          await settle(p);
          await assertNoEnglish(p, `${name} ${viewport.width} ${colorScheme}`);
          await assertNoHorizontalOverflow(p, `${name} ${viewport.width} ${colorScheme}`);
          if (MAIN.has(name) && viewport === PHONE) await assertAccessible(p, `${name} ${colorScheme}`);
          await shot(p, name);
        }
        await c.close();
      }
    }
  });

  await step('every screen in English on the desktop, light and dark', async () => {
    for (const [name, path] of screens) {
      await go(ctx.desktop, path);
      await ctx.desktop.locator('main .screen-title, main .state-block').first().waitFor();
      await shot(ctx.desktop, name);
    }
    const dark = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark', locale: 'en-US' });
    const page = await dark.newPage();
    await page.goto(base);
    await page.locator('img[data-qr-value]').waitFor();
    await assertAccessible(page, 'desktop sign-in dark');
    await shot(page, 'signin');
    const narrow = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const np = await narrow.newPage();
    await np.goto(base);
    await np.locator('#username').waitFor();
    const [pw, qr] = await Promise.all([np.locator('.sign-in-password').boundingBox(), np.locator('.sign-in-qr').boundingBox()]);
    check(pw.y < qr.y, 'on a phone-width browser the password form does not lead');
    await shot(np, 'signin-phone');
    await dark.close();
    await narrow.close();
  });
}
