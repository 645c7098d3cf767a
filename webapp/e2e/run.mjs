// End-to-end: real backend + database + Debian's headless Chromium.
//   E2E_BASE_URL      backend serving webapp/dist (else one is started, see lib/backend.mjs)
//   E2E_MAX_BOT_TOKEN the bot token the backend checks Max initData with
// Screenshots of every screen (phone 360×740, desktop 1440×900) go to test-output/e2e/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from './lib/backend.mjs';
import { DESKTOP, launch, maxPhone } from './lib/browser.mjs';
import { noisePng } from './lib/image.mjs';
import { signInitData } from './lib/initData.mjs';

const OUT = new URL('../test-output/e2e/', import.meta.url).pathname;
const BOT_TOKEN = process.env.E2E_MAX_BOT_TOKEN ?? 'e2e-test-bot-token';
const RUN = Date.now().toString(36);
const ALICE = { id: 7_000_000 + (Date.now() % 1_000_000), first_name: 'Alice', last_name: 'Lens', username: `alice_${RUN}` };
const BOB = { id: ALICE.id + 1, first_name: 'Bob', last_name: 'Frame', username: `bob_${RUN}` };

mkdirSync(OUT, { recursive: true });

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

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => {});
  // Let images fade in.
  await page.waitForTimeout(400);
  const width = page.viewportSize().width;
  await page.screenshot({ path: join(OUT, `${name}-${width <= 400 ? 'phone' : 'desktop'}.png`), fullPage: true });
}

/**
 * In-app navigation (like tapping a link). A full page load would drop the
 * desktop session: tokens live in memory only, by design.
 */
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

async function uploadPhoto(page, title, { throttle = false } = {}) {
  await page.getByRole('link', { name: 'Upload' }).first().click();
  await page.waitForURL('**/upload');
  await page.locator('input[data-testid="file-pick"]').setInputFiles({
    name: `${title}.png`,
    mimeType: 'image/png',
    buffer: noisePng(),
  });
  await page.locator('#upload-title').fill(title);
  let cdp;
  if (throttle) {
    // Slow the upload down so the progress bar is visible (and photographed).
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 150 * 1024,
    });
  }
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  if (throttle) {
    await page.locator('.progress-bar').waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
      const n = Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'));
      return n > 10 && n < 90;
    });
    await page.screenshot({ path: join(OUT, `upload-progress-phone.png`) });
  }
  await page.waitForURL(/\/photos\/\d+$/, { timeout: 30_000 });
  if (cdp) {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }
  const id = Number(page.url().match(/\/photos\/(\d+)$/)[1]);
  await expectText(page, title);
  return id;
}

const backend = await useBackend({ botToken: BOT_TOKEN });
const base = backend.baseUrl;
const browser = await launch();
const initData = (user, startParam) => signInitData(BOT_TOKEN, { user, startParam });

try {
  await scenario();
} catch {
  // Already reported by step(); fall through to the summary.
} finally {
  writeFileSync(join(OUT, 'results.txt'), results.join('\n') + '\n');
  await browser.close();
  await backend.stop();
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  console.log(`screenshots: ${OUT}`);
  process.exitCode = failed || !passed ? 1 : 0;
}

async function scenario() {
  const aliceCtx = await maxPhone(browser, initData(ALICE));
  const bobCtx = await maxPhone(browser, initData(BOB));
  const alice = await aliceCtx.newPage();
  const bob = await bobCtx.newPage();
  let alicePhoto;
  let bobPhoto;
  let tradeId;
  let bobId;

  await step('Max host: sign in with initData, ready() called, gallery shown', async () => {
    await Promise.all([alice.goto(base), bob.goto(base)]);
    for (const p of [alice, bob]) {
      await p.getByRole('heading', { name: 'Gallery' }).waitFor();
      if (!(await p.evaluate(() => window.__ready))) throw new Error('WebApp.ready() was not called');
    }
    await bob.locator('.live-dot.live-open').waitFor({ timeout: 10_000 });
    await shot(alice, 'gallery');
  });

  await step('upload with a progress bar; the photo appears live in the second context', async () => {
    await bob.locator('.live-dot.live-open').waitFor();
    const title = `Harbour ${RUN}`;
    alicePhoto = await uploadPhoto(alice, title, { throttle: true });
    await shot(alice, 'photo-detail');
    // Bob never reloads: the tile arrives over the WebSocket.
    await bob.locator(`.photo-grid [data-photo-id="${alicePhoto}"]`).waitFor({ timeout: 10_000 });
    await shot(bob, 'gallery-live');
  });

  await step('a file that is not an image is refused with a clear message (415)', async () => {
    await alice.getByRole('link', { name: 'Upload' }).first().click();
    await alice.locator('input[data-testid="file-pick"]').setInputFiles({
      name: 'empty.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not an image at all'),
    });
    await alice.locator('#upload-title').fill('Not an image');
    await alice.getByRole('button', { name: 'Upload', exact: true }).click();
    await expectText(alice, 'Unsupported file type');
    await shot(alice, 'upload-error');
  });

  await step('second user uploads and proposes a trade for the first user’s photo', async () => {
    bobPhoto = await uploadPhoto(bob, `Meadow ${RUN}`);
    await bob.goto(`${base}/photos/${alicePhoto}`);
    await bob.getByRole('link', { name: 'Propose a trade' }).click();
    await bob.waitForURL(/\/trades\/new/);
    await bob.locator(`.pick-grid [data-photo-id="${bobPhoto}"]`).click();
    await bob.locator('#trade-msg').fill('Swap?');
    await shot(bob, 'create-trade');
    await bob.getByRole('button', { name: /Send to Alice/ }).click();
    await bob.waitForURL(/\/trades\/\d+$/);
    tradeId = Number(bob.url().match(/\/trades\/(\d+)$/)[1]);
    await expectText(bob, 'pending');
    await shot(bob, 'trade-detail');
  });

  await step('first user accepts the trade from the inbox; both items change hands', async () => {
    await alice.getByRole('link', { name: 'Trades' }).first().click();
    const card = alice.locator(`[data-trade-id="${tradeId}"]`);
    await card.waitFor({ timeout: 10_000 });
    await shot(alice, 'trades-inbox');
    await card.getByRole('button', { name: 'Accept' }).click();
    await card.getByText('accepted').waitFor();
    // Bob sees it accepted live on his trade page.
    await bob.getByText('accepted').first().waitFor({ timeout: 10_000 });
    await alice.goto(`${base}/photos/${bobPhoto}`);
    await alice.locator('.user-chip', { hasText: 'Owner' }).getByText('Alice Lens').waitFor();
    await alice.getByText('Traded').first().waitFor();
    await shot(alice, 'photo-provenance');
  });

  let claimLink;
  await step('transfer by claim QR; the link opens the claim screen in the other app', async () => {
    await alice.getByRole('link', { name: 'Transfer' }).click();
    await alice.getByRole('button', { name: 'Create claim QR' }).click();
    await alice.locator('.qr-box img').waitFor();
    claimLink = await alice.locator('.share-code input').inputValue();
    await shot(alice, 'transfer-qr');
    const token = (claimLink.match(/startapp=claim_([\w-]+)/) ?? claimLink.match(/\/claim\/([\w-]+)/))?.[1];
    if (!token) throw new Error(`no claim token in ${claimLink}`);
    // Bob opens the deep link: Max starts the mini-app with start_param=claim_<token>.
    const bobClaimCtx = await maxPhone(browser, initData(BOB, `claim_${token}`), { startParam: `claim_${token}` });
    const claimPage = await bobClaimCtx.newPage();
    await claimPage.goto(base);
    await claimPage.getByRole('button', { name: 'Claim it' }).waitFor();
    await shot(claimPage, 'claim');
    await claimPage.getByRole('button', { name: 'Claim it' }).click();
    await expectText(claimPage, 'It’s yours');
    await shot(claimPage, 'claim-done');
    await bobClaimCtx.close();
    // Alice's QR screen learns it live.
    await alice.getByText('completed').waitFor({ timeout: 10_000 });
  });

  const desktopCtx = await browser.newContext({ viewport: DESKTOP });
  const desktop = await desktopCtx.newPage();
  await step('desktop QR sign-in approved from the phone (scanned with the host reader)', async () => {
    await desktop.goto(base);
    const qr = desktop.locator('img[data-qr-value]');
    await qr.waitFor();
    await shot(desktop, 'signin');
    const payload = await qr.getAttribute('data-qr-value');
    await alice.evaluate((p) => (window.__nextScan = p), payload);
    await alice.getByRole('button', { name: 'Scan a QR code' }).click();
    await alice.waitForURL(/\/login\//);
    await shot(alice, 'approve-login');
    await alice.getByRole('button', { name: 'Approve' }).click();
    await expectText(alice, 'The computer is signed in');
    await desktop.getByRole('heading', { name: 'Gallery' }).waitFor({ timeout: 15_000 });
    await desktop.locator('.header-avatar').waitFor();
    await shot(desktop, 'gallery');
  });

  await step('private profile → request access → owner allows (live)', async () => {
    await bob.goto(`${base}/settings`);
    await shot(bob, 'settings');
    const idText = await bob.getByText(/^ID \d+/).first().textContent();
    bobId = Number(idText.match(/ID (\d+)/)[1]);
    await bob.locator('#private-switch').check({ force: true });
    await expectText(bob, 'Your profile is private now');
    await alice.goto(`${base}/users/${bobId}`);
    await expectText(alice, 'This profile is private');
    await alice.getByPlaceholder('Add a message').fill('Love your meadow');
    await alice.getByRole('button', { name: 'Request access' }).click();
    await expectText(alice, 'waiting for');
    await shot(alice, 'user-private');
    await bob.goto(`${base}/requests`);
    await bob.getByRole('button', { name: 'Allow' }).click();
    await bob.getByText('accepted').first().waitFor();
    await shot(bob, 'requests');
    // Alice's open profile page updates on profile_request.updated.
    await alice.getByText('This profile is private').waitFor({ state: 'detached', timeout: 10_000 });
    await alice.locator(`.photo-grid [data-photo-id="${alicePhoto}"]`).waitFor();
    await shot(alice, 'user-profile');
  });

  await step('every screen at both widths', async () => {
    const screens = [
      ['collection', '/me'],
      ['trades', '/trades'],
      ['requests', '/requests'],
      ['settings', '/settings'],
      ['upload', '/upload'],
      ['photo-detail', `/photos/${alicePhoto}`],
      ['transfer', `/photos/${alicePhoto}/transfer`],
      ['create-trade', `/trades/new?to=${bobId}`],
      ['trade-detail', `/trades/${tradeId}`],
      ['user-profile', `/users/${bobId}`],
      ['not-found', '/nope/nothing'],
    ];
    for (const page of [desktop, alice]) {
      for (const [name, path] of screens) {
        await go(page, path);
        await page.locator('main .screen-title, main .state-block').first().waitFor();
        await page.locator('main .state-block[role=status]').waitFor({ state: 'detached' }).catch(() => {});
        await shot(page, name);
      }
    }
  });

  await step('dark colour scheme from the host (Max) and the system (desktop)', async () => {
    const darkCtx = await maxPhone(browser, initData(BOB), { colorScheme: 'dark' });
    const dark = await darkCtx.newPage();
    await dark.goto(base);
    await dark.locator('.photo-grid [data-photo-id]').first().waitFor();
    if ((await dark.evaluate(() => document.documentElement.dataset.bsTheme)) !== 'dark') throw new Error('not dark');
    await shot(dark, 'gallery-dark');
    await go(dark, `/photos/${alicePhoto}`);
    await dark.locator('.timeline li').first().waitFor();
    await shot(dark, 'photo-detail-dark');
    await darkCtx.close();
    const deskDark = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark' });
    const page = await deskDark.newPage();
    await page.goto(base);
    await page.locator('img[data-qr-value]').waitFor();
    await shot(page, 'signin-dark');
    await deskDark.close();
  });

  await step('the host back button appears on nested screens and goes back', async () => {
    await go(alice, '/');
    await alice.locator('.photo-grid [data-photo-id]').first().click();
    await alice.waitForURL(/\/photos\/\d+$/);
    if (!(await alice.evaluate(() => window.__backButton.visible))) throw new Error('BackButton not shown');
    await alice.evaluate(() => window.__backButton.press());
    await alice.waitForURL((url) => url.pathname === '/');
    if (await alice.evaluate(() => window.__backButton.visible)) throw new Error('BackButton not hidden on a tab');
  });
}
