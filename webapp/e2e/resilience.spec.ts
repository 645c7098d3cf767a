// Issue 21's resilience, as a Russian Max user (project max-ru-390; offline after load is in
// matrix.spec.ts for every project): a screen whose code cannot be fetched offers "Нет связи —
// повторить" inside the app's chrome, and the gallery keeps its pages and scroll position when
// you come back to it.
import { expectAlive } from './checks';
import { expect, person, shot, signIn, test, uploadApi } from './fixtures';

const SETTINGS_CHUNK = /\/assets\/SettingsScreen-[\w-]+\.js$/;

test('ru/Max: a screen whose code cannot be fetched offers "Нет связи — повторить" with the tab bar intact; the retry opens it', async ({ open, me, baseUrl }) => {
  const page = await open.max(me);
  let blocked = 0;
  await page.context().route(SETTINGS_CHUNK, (route) => {
    blocked++;
    return route.abort('internetdisconnected');
  });
  await page.goto(baseUrl);
  await expect(page.getByRole('heading', { name: 'Галерея' })).toBeVisible();
  await page.locator('.tab-bar').getByRole('link', { name: 'Настройки', exact: true }).click();
  const retry = page.getByRole('button', { name: 'Нет связи — повторить' });
  await expect(retry).toBeVisible();
  expect(blocked, 'the chunk was retried before giving up').toBeGreaterThanOrEqual(2);
  await expectAlive(page, 'chunk failed');
  await shot(page, 'chunk-failed');
  // Another tab still works while this one failed.
  await page.locator('.tab-bar').getByRole('link', { name: 'Галерея', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Галерея' })).toBeVisible();
  await page.locator('.tab-bar').getByRole('link', { name: 'Настройки', exact: true }).click();
  await expect(retry).toBeVisible();
  await page.context().unroute(SETTINGS_CHUNK);
  await retry.click();
  await expect(page.getByRole('heading', { name: 'Настройки' })).toBeVisible();
});

test('ru/Max: back to the gallery keeps its pages and scroll position, without fetching the list again', async ({ open, me, baseUrl }) => {
  // Enough tiles to scroll, whatever the other tests left public (fixtures through the API).
  const seeder = await signIn(baseUrl, person('Прокрут', 'Лентов', 'ru'));
  for (let i = 0; i < 6; i++) await uploadApi(baseUrl, seeder.access_token, `Прокрутка ${i}`, [480, 360]);
  const page = await open.max(me, { viewport: { width: 390, height: 500 } });
  await page.goto(baseUrl);
  await expect(page.locator('.photo-tile').nth(2)).toBeVisible();
  // Scroll until it holds: while tiles are still being laid out the page can be shorter than
  // 260 px below the fold, and a single scrollTo would stop short and stay there.
  await expect
    .poll(() =>
      page.evaluate(() => {
        window.scrollTo(0, 260);
        return Math.abs(window.scrollY - 260) < 2;
      }),
    )
    .toBe(true);
  const before = await page.evaluate(() => window.scrollY);
  let listings = 0;
  page.on('request', (r) => void (/\/api\/photos(\?|$)/.test(r.url()) && listings++));
  await page.locator('.photo-tile').nth(2).click();
  await page.waitForURL(/\/photos\/\d+$/);
  await expect(page.locator('main h1').first()).toBeVisible();
  // The photo screen opens at its top (the shell scrolls there on every new screen).
  await expect.poll(() => page.evaluate(() => window.scrollY), { message: 'the photo screen did not open at its top' }).toBeLessThan(5);
  await page.goBack();
  await expect(page.locator('.photo-tile').nth(2)).toBeVisible();
  await expect.poll(() => page.evaluate((y) => Math.abs(window.scrollY - y) < 2, before), { message: 'the gallery kept its scroll position' }).toBe(true);
  expect(listings, 'the gallery fetched its list again').toBe(0);
});
