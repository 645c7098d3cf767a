// Issue 21's browser checks: no white screen when the connection drops after load (every tab,
// then recovery), a screen whose code cannot be fetched offers "No connection — retry" inside the
// app's chrome, the live indicator follows the connection within a second, and the gallery
// keeps its pages and scroll position when you come back to it.
import { NARROW, maxPhone, telegramPhone } from './lib/browser.mjs';
import { noisePng } from './lib/image.mjs';

/** Uploads `count` photos as the user behind `initData`, through the API (fixtures, not the flow under test). */
async function seedPhotos(base, initData, count) {
  const signIn = await fetch(`${base}/api/auth/max`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ init_data: initData }) });
  const { access_token } = await signIn.json();
  for (let i = 0; i < count; i++) {
    const form = new FormData();
    form.append('file', new Blob([noisePng()], { type: 'image/png' }), `scroll-${i}.png`);
    form.append('title', `Прокрутка ${i}`);
    const r = await fetch(`${base}/api/photos/upload`, { method: 'POST', headers: { Authorization: `Bearer ${access_token}` }, body: form });
    if (r.status !== 201) throw new Error(`seed upload: ${r.status} ${await r.text()}`);
  }
}

const TABS_RU = ['Коллекция', 'Загрузить', 'Обмены', 'Настройки', 'Галерея'];

/** The app is alive: the tab bar is there and the main area says something. */
async function assertAlive(page, where) {
  const state = await page.evaluate(() => ({
    tabs: document.querySelectorAll('.tab-bar .tab-bar-item').length,
    text: (document.querySelector('main')?.innerText ?? '').trim().length,
  }));
  if (state.tabs < 5 || state.text === 0) throw new Error(`${where}: dead screen (tabs ${state.tabs}, text ${state.text})`);
}

/** The element's box is on screen and clear of the tab bar. */
async function assertAboveTabBar(page, locator, where) {
  const box = await locator.boundingBox();
  const bar = await page.locator('.tab-bar').boundingBox();
  const height = page.viewportSize().height;
  if (!box || !bar) throw new Error(`${where}: no box (${JSON.stringify({ box, bar })})`);
  if (box.y < 0 || box.y + box.height > bar.y + 0.5 || bar.y + bar.height > height + 0.5)
    throw new Error(`${where}: main action ${JSON.stringify(box)} not above the tab bar ${JSON.stringify(bar)} in ${height}px`);
}

export async function resilience({ browser, base, step, check, go, shot, maxInit, tgInit, tgUser, user }) {
  await step('en/Telegram, iPhone bottom inset 34 px: the tab bar keeps 60 px for its items above the inset (targets >= 44 px)', async () => {
    const context = await telegramPhone(browser, tgInit(tgUser), { locale: 'en-US', safeAreaInset: { top: 0, bottom: 34, left: 0, right: 0 } });
    const page = await context.newPage();
    await page.goto(base);
    await page.locator('.tab-bar').waitFor();
    const m = await page.evaluate(() => {
      const bar = document.querySelector('.tab-bar').getBoundingClientRect();
      const items = [...document.querySelectorAll('.tab-bar-item')].map((el) => {
        const r = el.getBoundingClientRect();
        const icon = el.querySelector('svg').getBoundingClientRect();
        return { w: r.width, h: r.height, iconW: icon.width, iconH: icon.height };
      });
      return { barH: bar.height, bottomPad: parseFloat(getComputedStyle(document.querySelector('.tab-bar')).paddingBottom), items, vh: innerHeight, barBottom: bar.bottom };
    });
    check(Math.round(m.bottomPad) === 34, `tab bar bottom padding ${m.bottomPad}, expected the 34 px inset`);
    check(Math.round(m.barBottom) === m.vh, 'the tab bar is not at the bottom edge');
    for (const it of m.items) {
      check(it.h >= 44 && it.w >= 44, `tab item ${it.w}×${it.h}`);
      check(it.iconW >= 20 && it.iconH >= 20, `tab icon crushed to ${it.iconW}×${it.iconH}`);
    }
    await shot(page, 'telegram-inset-34');
    await context.close();
  });

  await step('ru/Max at 320×640: the main action (Загрузить) stays on screen above the tab bar', async () => {
    const context = await maxPhone(browser, maxInit(user), { viewport: NARROW });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByRole('heading', { name: 'Галерея' }).waitFor();
    await page.locator('.tab-bar').getByRole('link', { name: 'Загрузить', exact: true }).click();
    const action = page.locator('.primary-action').first();
    await action.waitFor();
    await assertAboveTabBar(page, action, 'upload at 320×640');
    await page.evaluate(() => window.scrollTo(0, 0));
    await assertAboveTabBar(page, action, 'upload at 320×640, top of the page');
    await shot(page, 'upload-320x640');
    await context.close();
  });

  await step('ru/Max: offline after load — live indicator says so within a second, every tab still opens, all recovers when back', async () => {
    const context = await maxPhone(browser, maxInit(user));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    await page.getByRole('heading', { name: 'Галерея' }).waitFor();
    await page.locator('[data-live="open"]').waitFor({ timeout: 10_000 });
    // Every screen's code has been fetched ahead (the app marks that moment).
    await page.waitForFunction(() => document.documentElement.dataset.screensLoaded === 'true', null, { timeout: 20_000 });
    await context.setOffline(true);
    const t0 = Date.now();
    await page.locator('[data-live="offline"]').getByText('Нет связи').waitFor({ timeout: 1_000 });
    check(Date.now() - t0 <= 1_000, 'the live indicator took over a second to say offline');
    for (const name of TABS_RU) {
      await page.locator('.tab-bar').getByRole('link', { name, exact: true }).click();
      await page.locator('main h1').first().waitFor({ timeout: 5_000 });
      await assertAlive(page, `offline ${name}`);
    }
    await go(page, '/settings');
    await shot(page, 'offline-settings');
    // A tab with nothing cached says "no connection" and offers a retry, not a spinner forever.
    await go(page, '/trades');
    await page.getByRole('button', { name: 'Нет связи — повторить' }).first().waitFor({ timeout: 10_000 });
    await assertAlive(page, 'offline trades');
    await shot(page, 'offline-trades');
    await context.setOffline(false);
    await page.locator('[data-live="open"]').waitFor({ timeout: 20_000 });
    // Back online, the waiting list loads by itself.
    await page.getByRole('button', { name: 'Нет связи — повторить' }).first().waitFor({ state: 'detached', timeout: 15_000 });
    await assertAlive(page, 'back online');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    await context.close();
  });

  await step('ru/Max: a screen whose code cannot be fetched offers "Нет связи — повторить" with the tab bar intact; the retry opens it', async () => {
    const context = await maxPhone(browser, maxInit(user));
    const page = await context.newPage();
    let blocked = 0;
    await context.route(/\/assets\/SettingsScreen-[\w-]+\.js$/, (route) => {
      blocked++;
      return route.abort('internetdisconnected');
    });
    await page.goto(base);
    await page.getByRole('heading', { name: 'Галерея' }).waitFor();
    await page.locator('.tab-bar').getByRole('link', { name: 'Настройки', exact: true }).click();
    const retry = page.getByRole('button', { name: 'Нет связи — повторить' });
    await retry.waitFor({ timeout: 15_000 });
    check(blocked >= 2, `the chunk was fetched ${blocked} time(s): no retry before giving up`);
    await assertAlive(page, 'chunk failed');
    await shot(page, 'chunk-failed');
    // Another tab still works while this one failed.
    await page.locator('.tab-bar').getByRole('link', { name: 'Галерея', exact: true }).click();
    await page.getByRole('heading', { name: 'Галерея' }).waitFor();
    await page.locator('.tab-bar').getByRole('link', { name: 'Настройки', exact: true }).click();
    await retry.waitFor();
    await context.unroute(/\/assets\/SettingsScreen-[\w-]+\.js$/);
    await retry.click();
    await page.getByRole('heading', { name: 'Настройки' }).waitFor({ timeout: 10_000 });
    await context.close();
  });

  await step('ru/Max: back to the gallery keeps its pages and scroll position, without fetching the list again', async () => {
    await seedPhotos(base, maxInit(user), 6); // enough tiles to scroll, whatever the earlier phases left public
    const context = await maxPhone(browser, maxInit(user), { viewport: { width: 390, height: 500 } });
    const page = await context.newPage();
    await page.goto(base);
    await page
      .locator('.photo-tile')
      .nth(2)
      .waitFor({ timeout: 15_000 })
      .catch(async (err) => {
        await shot(page, 'gallery-no-tiles');
        throw new Error(`${err.message}\nat ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 300)}`);
      });
    // Scroll until it holds: while tiles are still being laid out the page can be shorter than
    // 260 px below the fold, and a single scrollTo would stop short and stay there.
    await page.waitForFunction(() => {
      window.scrollTo(0, 260);
      return Math.abs(window.scrollY - 260) < 2;
    });
    const before = await page.evaluate(() => window.scrollY);
    let listings = 0;
    page.on('request', (r) => /\/api\/photos(\?|$)/.test(r.url()) && listings++);
    await page.locator('.photo-tile').nth(2).click();
    await page.waitForURL(/\/photos\/\d+$/);
    await page.locator('main h1').first().waitFor();
    // The fact that the photo screen is at its top (the shell scrolls there on every new screen;
    // under load the check could run before the last layout of the screen settled).
    await page
      .waitForFunction(() => window.scrollY < 5, null, { timeout: 5_000 })
      .catch(() => check(false, 'the photo screen did not open at its top'));
    await page.goBack();
    await page
      .locator('.photo-tile')
      .nth(2)
      .waitFor({ timeout: 10_000 })
      .catch(async (err) => {
        throw new Error(`${err.message}\nat ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 300)}`);
      });
    await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 2, before, { timeout: 5_000 });
    check(listings === 0, `the gallery fetched its list again ${listings} time(s)`);
    await context.close();
  });
}
