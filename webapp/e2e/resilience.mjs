// Issue 21's browser checks: no white screen when the connection drops after load (every tab,
// then recovery), a screen whose code cannot be fetched offers "No connection — retry" inside the
// app's chrome, the live indicator follows the connection within a second, and the gallery
// keeps its pages and scroll position when you come back to it.
import { maxPhone } from './lib/browser.mjs';

const TABS_RU = ['Коллекция', 'Загрузить', 'Обмены', 'Настройки', 'Галерея'];

/** The app is alive: the tab bar is there and the main area says something. */
async function assertAlive(page, where) {
  const state = await page.evaluate(() => ({
    tabs: document.querySelectorAll('.tab-bar .tab-bar-item').length,
    text: (document.querySelector('main')?.innerText ?? '').trim().length,
  }));
  if (state.tabs < 5 || state.text === 0) throw new Error(`${where}: dead screen (tabs ${state.tabs}, text ${state.text})`);
}

export async function resilience({ browser, base, step, check, go, shot, maxInit, user }) {
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
    const context = await maxPhone(browser, maxInit(user), { viewport: { width: 390, height: 500 } });
    const page = await context.newPage();
    await page.goto(base);
    await page.locator('.photo-tile').nth(2).waitFor();
    await page.evaluate(() => window.scrollTo(0, 260));
    await page.waitForFunction(() => Math.abs(window.scrollY - 260) < 2);
    const before = await page.evaluate(() => window.scrollY);
    let listings = 0;
    page.on('request', (r) => /\/api\/photos(\?|$)/.test(r.url()) && listings++);
    await page.locator('.photo-tile').nth(2).click();
    await page.waitForURL(/\/photos\/\d+$/);
    await page.locator('main h1').first().waitFor();
    check((await page.evaluate(() => window.scrollY)) < 5, 'the photo screen did not open at its top');
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
