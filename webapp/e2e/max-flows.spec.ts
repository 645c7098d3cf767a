// The core flows as a Russian Max user (project max-ru-390): sign-in, upload with its bridge
// calls, a refused file, a trade accepted live, a gift by claim link and every state of such a
// link, private profiles, a stale sign-in, the first password, the back button, bot buttons.
// One story, step by step (serial): later steps use what earlier ones made.
import type { Page } from '@playwright/test';
import { assertNoEnglish } from './lib/checks.mjs';
import { bridgeCalls, chooseFile, clearCalls, expect, go, idIn, linkOf, person, run, shot, sql, test, tokenOf, uploadVia, userId, waitForCall, type Person } from './fixtures';

test.describe.configure({ mode: 'serial' });

const RUN = run();
const ALICE: Person = { ...person('Алиса', 'Линза', 'ru') };
const BOB: Person = { ...person('Борис', 'Рамкин', 'ru') };
const CAROL: Person = { ...person('Вера', 'Кадрова', 'ru') };
const seeText = (page: Page, text: string | RegExp) => expect(page.getByText(text).first()).toBeVisible();

let alice: Page;
let bob: Page;
const s: { alicePhoto?: number; bobPhoto?: number; bobId?: number; tradeId?: number; claimToken?: string; alice2?: number } = {};

test.beforeAll(async ({ hosts }) => {
  alice = await hosts.max(ALICE);
  bob = await hosts.max(BOB);
});

test('ru/Max: signs in with initData, Russian UI, no brand header, ready() called', async ({ baseUrl }) => {
  await Promise.all([alice.goto(baseUrl), bob.goto(baseUrl)]);
  for (const p of [alice, bob]) {
    await expect(p.getByRole('heading', { name: 'Галерея' })).toBeVisible();
    expect(await p.evaluate(() => (window as any).__ready), 'WebApp.ready() was not called').toBe(true);
    await expect(p.locator('.app-header'), 'the app draws its own header inside Max').toHaveCount(0);
  }
  await expect(bob.locator('.live-dot.live-open')).toBeVisible();
  await assertNoEnglish(alice, 'gallery');
});

test('ru/Max: upload — closing confirmation on while it runs and off after, success haptic, live in the other app', async () => {
  const title = `Гавань ${RUN}`;
  await alice.getByRole('link', { name: 'Загрузить' }).first().click();
  await alice.waitForURL('**/upload');
  await assertNoEnglish(alice, 'upload (empty)');
  // Nothing chosen: the button is disabled and says why.
  await expect(alice.getByRole('button', { name: 'Загрузить', exact: true }), 'upload enabled without a file').toBeDisabled();
  await seeText(alice, 'Сначала выберите фото');
  await clearCalls(alice);
  await chooseFile(alice, 'harbour.png');
  await alice.locator('#upload-title').fill(title);
  await waitForCall(alice, 'enableClosingConfirmation');
  const cdp = await alice.context().newCDPSession(alice);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 150 * 1024 });
  await alice.getByRole('button', { name: 'Загрузить', exact: true }).click();
  await alice.waitForFunction(() => {
    const n = Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'));
    return n > 10 && n < 90;
  });
  await assertNoEnglish(alice, 'upload (progress)');
  await alice.screenshot({ path: new URL('./screenshots/upload-progress-390-light.png', import.meta.url).pathname });
  await alice.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  s.alicePhoto = idIn(alice.url(), /\/photos\/(\d+)$/);
  await waitForCall(alice, 'notificationOccurred', (t) => t === 'success');
  await waitForCall(alice, 'disableClosingConfirmation');
  const calls = (await bridgeCalls(alice)).map((c) => c[0]);
  expect(calls.lastIndexOf('disableClosingConfirmation'), `closing confirmation not turned off after the upload: ${calls}`).toBeGreaterThan(calls.indexOf('enableClosingConfirmation'));
  await seeText(alice, title);
  await expect(bob.locator(`.photo-grid [data-photo-id="${s.alicePhoto}"]`)).toBeVisible();
});

test('ru/Max: a rejected file — refused on pick, before any upload: Russian message, error haptic, no title taken from it', async () => {
  await go(alice, '/upload');
  await clearCalls(alice);
  let uploads = 0;
  const count = (r: { url(): string }) => void (r.url().includes('/api/photos/upload') && uploads++);
  alice.on('request', count);
  await chooseFile(alice, 'notes.txt', Buffer.from('not an image at all'), 'text/plain');
  await seeText(alice, 'Этот формат не подходит');
  await expect(alice.getByRole('button', { name: 'Загрузить', exact: true }), 'upload offered for a refused file').toBeDisabled();
  alice.off('request', count);
  expect(uploads, 'the refused file was sent').toBe(0);
  await waitForCall(alice, 'notificationOccurred', (t) => t === 'error');
  await expect(alice.locator('#upload-title'), 'the rejected file’s title stayed in the form').toHaveValue('');
  await assertNoEnglish(alice, 'upload error');
  await shot(alice, 'upload-error');
});

test('ru/Max: new trade — nothing picked → disabled with the reason; send; accept in the other app; the proposer sees it live', async () => {
  s.bobPhoto = await uploadVia(bob, `Луг ${RUN}`);
  s.bobId = await userId(bob);
  await go(bob, `/photos/${s.alicePhoto}`);
  await bob.getByRole('link', { name: 'Предложить обмен' }).click();
  await bob.waitForURL(/\/trades\/new/);
  const send = bob.getByRole('button', { name: /Отправить: Алиса/ });
  await expect(send, 'send enabled with nothing of mine picked').toBeDisabled();
  await seeText(bob, 'Выберите хотя бы одно своё фото');
  await bob.locator(`.pick-grid [data-photo-id="${s.bobPhoto}"]`).click();
  await bob.locator('#trade-msg').fill('Меняемся?');
  await assertNoEnglish(bob, 'new trade');
  await shot(bob, 'create-trade');
  await send.click();
  await bob.waitForURL(/\/trades\/\d+$/);
  s.tradeId = idIn(bob.url(), /\/trades\/(\d+)$/);
  await seeText(bob, 'Ждёт ответа');
  await go(alice, '/trades');
  const card = alice.locator(`[data-trade-id="${s.tradeId}"]`);
  await expect(card).toBeVisible();
  await assertNoEnglish(alice, 'trades inbox');
  await shot(alice, 'trades-inbox');
  await clearCalls(alice);
  await card.getByRole('button', { name: 'Принять' }).click();
  await expect(card.getByText('Принят').first()).toBeVisible();
  await waitForCall(alice, 'notificationOccurred', (t) => t === 'success');
  await expect(bob.getByText('Обмен состоялся').first()).toBeVisible();
  // Who accepted, and who gave what — not the items' owners after the swap.
  await expect(bob.locator('[data-testid="accepted-by"]').getByText('Алиса Линза')).toBeVisible();
  await seeText(bob, 'Вы отдаёте');
  await seeText(bob, '(Алиса Линза)');
  await assertNoEnglish(bob, 'trade accepted');
  await shot(bob, 'trade-detail');
});

test('ru/Max: give away by claim link — shared into Max with the link; the claim screen shows photo, giver, expiry; the giver sees who claimed, live', async ({ open, baseUrl }) => {
  await go(alice, `/photos/${s.bobPhoto}`);
  await alice.getByRole('link', { name: 'Подарить' }).click();
  await alice.getByRole('button', { name: 'Создать ссылку' }).click();
  await expect(alice.locator('.qr-box img')).toBeVisible();
  const link = await linkOf(alice);
  s.claimToken = tokenOf(link);
  expect(link, 'a link made in Max is a Max link').toMatch(/^https:\/\/max\.ru\//);
  await clearCalls(alice);
  await alice.getByRole('button', { name: 'Поделиться' }).click();
  const [, shared] = await waitForCall(alice, 'shareMaxContent');
  expect(shared.link, `shared ${JSON.stringify(shared)}`).toBe(link);
  await assertNoEnglish(alice, 'claim link');
  await shot(alice, 'transfer-qr');

  const claim = await open.max(BOB, { startParam: `claim_${s.claimToken}` });
  await claim.goto(baseUrl);
  await expect(claim.locator('[data-claim-state="open"]')).toBeVisible();
  await seeText(claim, 'Алиса Линза');
  await seeText(claim, 'Забрать до');
  await assertNoEnglish(claim, 'claim (open)');
  await shot(claim, 'claim');
  await claim.getByRole('button', { name: 'Забрать' }).click();
  await seeText(claim, 'Теперь оно ваше');
  await waitForCall(claim, 'notificationOccurred', (t) => t === 'success');
  await expect(alice.locator('[data-testid="claimed-by"]').getByText('Борис Рамкин')).toBeVisible();
});

test('ru/Max: claim links that are used, not yours, cancelled, expired and unknown show their state and no Claim button', async ({ open, baseUrl }) => {
  const openClaim = async (user: Person, token: string) => {
    const p = await open.max(user, { startParam: `claim_${token}` });
    await p.goto(baseUrl);
    await expect(p.locator('[data-claim-state]').or(p.locator('.state-title')).first()).toBeVisible();
    return p;
  };
  // used: Carol opens the link Bob already claimed
  let p = await openClaim(CAROL, s.claimToken!);
  await expect(p.locator('[data-claim-state="used"]')).toBeVisible();
  // Who claimed it is the two parties' business (issue 19, N5): Carol is told it is used, not by whom.
  await expect(p.getByText('Борис Рамкин'), 'a third party sees who claimed the link').toHaveCount(0);
  await expect(p.getByRole('button', { name: 'Забрать' }), 'Claim offered on a used link').toHaveCount(0);
  await assertNoEnglish(p, 'claim used');
  await shot(p, 'claim-used');

  // not yours to claim: the giver opens her own pending link (Alice gave everything away: a new photo)
  s.alice2 = await uploadVia(alice, `Маяк ${RUN}`);
  await go(alice, `/photos/${s.alice2}/transfer`);
  await alice.getByRole('button', { name: 'Создать ссылку' }).click();
  await expect(alice.locator('.qr-box img')).toBeVisible();
  const first = tokenOf(await linkOf(alice));
  p = await openClaim(ALICE, first);
  await expect(p.locator('[data-claim-state="own"]')).toBeVisible();
  await expect(p.getByRole('button', { name: 'Забрать' }), 'Claim offered to the giver').toHaveCount(0);
  await shot(p, 'claim-own');

  // cancelled: the giver cancels the link
  await alice.getByRole('button', { name: 'Отменить ссылку' }).click();
  await expect(alice.getByText('Отменён').first()).toBeVisible();
  p = await openClaim(CAROL, first);
  await expect(p.locator('[data-claim-state="cancelled"]')).toBeVisible();
  await shot(p, 'claim-cancelled');

  // expired: a fresh link aged past its expiry in the database
  await go(alice, `/photos/${s.alice2}`);
  await go(alice, `/photos/${s.alice2}/transfer`);
  await alice.getByRole('button', { name: 'Создать ссылку' }).click();
  await expect(alice.locator('.qr-box img')).toBeVisible();
  // The cancelled link's QR may still be on screen for a moment: wait for the new link itself.
  await expect(alice.locator('.share-code input')).not.toHaveValue(new RegExp(`${first}|^$`));
  const aged = tokenOf(await linkOf(alice));
  const id = await alice.locator('[data-transfer-id]').getAttribute('data-transfer-id');
  sql(`UPDATE transfers SET expires_at = now() - interval '1 minute' WHERE id = ${Number(id)}`);
  p = await openClaim(CAROL, aged);
  await expect(p.locator('[data-claim-state="expired"]')).toBeVisible();
  await expect(p.getByRole('button', { name: 'Забрать' }), 'Claim offered on an expired link').toHaveCount(0);
  await assertNoEnglish(p, 'claim expired');
  await shot(p, 'claim-expired');

  p = await openClaim(CAROL, 'no-such-token-at-all');
  await seeText(p, 'Ссылка не найдена');
});

test('ru/Max: an open trade opened by someone who cannot fulfil it says why and offers nothing to tap', async ({ open, baseUrl }) => {
  // Alice offers her new photo for one Bob holds; Carol holds none of it.
  await go(alice, `/trades/new?to=${s.bobId}&want=${s.alicePhoto}&give=${s.alice2}`);
  await alice.locator('#trade-open').check({ force: true });
  await alice.getByRole('button', { name: 'Создать QR-код обмена' }).click();
  await alice.waitForURL(/\/trades\/\d+$/);
  await expect(alice.locator('.qr-box img')).toBeVisible();
  const link = await linkOf(alice);
  const token = (link.match(/startapp=trade_([\w-]+)/) ?? link.match(/\/trade\/([\w-]+)/))?.[1];
  expect(token, `no trade token in ${link}`).toBeTruthy();
  await shot(alice, 'trade-open-qr');
  const p = await open.max(CAROL, { startParam: `trade_${token}` });
  await p.goto(baseUrl);
  await expect(p.locator('[data-trade-id]')).toBeVisible();
  await seeText(p, 'у вас нет всех фото');
  await expect(p.getByRole('button', { name: 'Принять' }), 'Accept offered to someone who cannot fulfil the trade').toHaveCount(0);
  await assertNoEnglish(p, 'trade not yours');
  await shot(p, 'trade-cannot-accept');
});

test('ru/Max: private profile → request → owner allows (live); recipient picked by name, never by id', async () => {
  await go(bob, '/settings');
  await bob.locator('#private-switch').check({ force: true });
  await seeText(bob, 'Теперь профиль закрыт');
  await assertNoEnglish(bob, 'settings');
  await go(alice, `/users/${s.bobId}`);
  await seeText(alice, 'Профиль закрыт');
  await alice.getByPlaceholder('Сообщение (необязательно)').fill('Покажете луг?');
  await alice.getByRole('button', { name: 'Попросить доступ' }).click();
  await seeText(alice, 'Ваш запрос ждёт ответа');
  await go(bob, '/requests');
  await bob.getByRole('button', { name: 'Разрешить' }).click();
  await expect(bob.getByText('Принят').first()).toBeVisible();
  await expect(alice.getByText('Профиль закрыт')).toHaveCount(0);
  // Give a photo to a person: the picker searches by name.
  await go(alice, `/photos/${s.alice2}/transfer`);
  await alice.getByRole('tab', { name: 'Человеку' }).click();
  await expect(alice.locator('input[inputmode=numeric]'), 'a numeric user-id field is still there').toHaveCount(0);
  await alice.getByPlaceholder('Имя или имя пользователя').fill('Бор');
  await alice.locator(`[data-user-id="${s.bobId}"]`).click();
  await expect(alice.getByRole('button', { name: /Подарить: Борис/ })).toBeVisible();
  await assertNoEnglish(alice, 'give to a person');
  await shot(alice, 'transfer-person');
});

test('ru/Max: stale sign-in → a Russian explanation and “reopen”, never a password form', async ({ open, baseUrl }) => {
  const p = await open.max(CAROL, { authDate: Math.floor(Date.now() / 1000) - 10 * 86400 });
  await p.goto(baseUrl);
  await expect(p.locator('[data-testid="messenger-failure"]')).toBeVisible();
  await expect(p.locator('input[type=password]'), 'a password form inside Max').toHaveCount(0);
  await assertNoEnglish(p, 'stale sign-in');
  await shot(p, 'signin-stale');
  await p.getByRole('button', { name: 'Перезапустить приложение' }).click();
  await waitForCall(p, 'close');
});

test('ru/Max: a messenger-only user picks a desktop username with the first password', async ({ open, baseUrl }) => {
  const p = await open.max({ ...person('Гена', 'Кадров', 'ru'), username: undefined });
  await p.goto(baseUrl);
  await expect(p.getByRole('heading', { name: 'Галерея' })).toBeVisible();
  await go(p, '/settings');
  const save = p.getByRole('button', { name: 'Сохранить пароль' });
  await p.getByLabel('Новый пароль', { exact: true }).fill('first-password-1');
  await p.getByLabel('Повторите новый пароль').fill('first-password-1');
  await expect(save, 'Save enabled before a username was chosen').toBeDisabled();
  await p.getByLabel('Логин для компьютера').fill(`gena_${RUN}`);
  await save.click();
  await seeText(p, 'Пароль сохранён');
  await assertNoEnglish(p, 'first password');
});

test('ru/Max: the host back button appears on nested screens and goes back', async () => {
  const backVisible = () => alice.evaluate(() => (window as any).__backButton.visible);
  await go(alice, '/');
  await alice.locator('.photo-grid [data-photo-id]').first().click();
  await alice.waitForURL(/\/photos\/\d+$/);
  await expect.poll(backVisible, { message: 'BackButton not shown' }).toBe(true);
  await alice.evaluate(() => (window as any).__backButton.press());
  await alice.waitForURL((url) => url.pathname === '/');
  await expect.poll(backVisible, { message: 'BackButton not hidden on a tab' }).toBe(false);
});

test("ru/Max: a bot notification's open_app button (payload user_<id>, requests_in) opens that screen", async ({ open, baseUrl }) => {
  const aliceId = await userId(alice);
  const page = await open.max(BOB, { startParam: `user_${aliceId}` });
  await page.goto(baseUrl);
  await page.waitForURL(new RegExp(`/users/${aliceId}$`));
  await seeText(page, ALICE.first_name);
  const requests = await open.max(ALICE, { startParam: 'requests_in' });
  await requests.goto(baseUrl);
  await requests.waitForURL(/\/requests$/);
  await expect(requests.getByRole('heading', { name: 'Запросы на просмотр' })).toBeVisible();
  await shot(requests, 'bot-button-requests-ru');
});

test('the public gallery paints while sign-in is still running', async ({ open, baseUrl }) => {
  const p = await open.max(ALICE);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await p.context().route('**/api/auth/max', async (route) => {
    await held; // sign-in answers only after the gallery has been seen
    await route.continue();
  });
  await p.goto(baseUrl);
  await expect(p.locator('[aria-busy=true] .photo-grid [data-photo-id]').first()).toBeVisible();
  await expect(p.locator('.tab-bar'), 'the signed-in shell showed before sign-in finished').toHaveCount(0);
  release();
  await expect(p.locator('.tab-bar')).toBeVisible();
  await expect(p.locator('.photo-grid [data-photo-id]').first()).toBeVisible();
});
