// Issue 21's "Prove it", in every project (Max in Russian, Telegram in English; 320 px, 390 px and
// a 1440 px desktop window). In both themes: every screen with zero axe violations, 44-px targets
// and nothing cut off, and the AA contrast of the tab labels and the decline button computed in
// code. In the project's theme (each host has a light and a dark project, playwright.config.ts):
// offline after load, every tab, then recovery; the pending gift link shown again and replaced,
// as its giver and the holder of the old link see it; "New trade" from the Trades tab with the
// people search; the main action on screen, not under the tab bar.
import type { Page } from '@playwright/test';
import { contrastOf, expectAboveTabBar, expectAlive, smallTargets, wcagViolations } from './checks';
import { assertNoEnglish, assertNoHorizontalOverflow } from './lib/checks.mjs';
import { seedWorld, screens } from './seed';
import { api, expect, go, imagesOnScreenDecoded, linkOf, mainButton, person, pressMain, run, shot, signIn, test, tokenOf, uploadApi, type Host } from './fixtures';

const TEXT = {
  ru: {
    gallery: 'Галерея',
    tabs: ['Коллекция', 'Загрузить', 'Обмены', 'Настройки', 'Галерея'],
    offline: 'Нет связи',
    retry: 'Нет связи — повторить',
    createCode: 'Создать ссылку',
    stillLive: 'Это ваша действующая ссылка',
    replace: 'Заменить ссылку',
    replaceConfirm: /Старая перестанет работать/,
    replaced: 'Ссылку заменили новой',
    claim: 'Забрать',
    newTrade: 'Новый обмен',
    youGet: /Вы получаете \(0\)/,
    decline: 'Отклонить',
    upload: 'Загрузить',
  },
  en: {
    gallery: 'Gallery',
    tabs: ['Collection', 'Upload', 'Trades', 'Settings', 'Gallery'],
    offline: 'Offline',
    retry: 'No connection — retry',
    createCode: 'Create a claim link',
    stillLive: 'This is your live link',
    replace: 'Replace the link',
    replaceConfirm: /old one will stop working/,
    replaced: 'This link was replaced',
    claim: 'Claim it',
    newTrade: 'New trade',
    youGet: /You get \(0\)/,
    decline: 'Decline',
    upload: 'Upload',
  },
} as const;

/** The screen's primary action: the host's main button in Telegram, a page button elsewhere. */
async function primary(page: Page, host: Host, text: string): Promise<void> {
  if (host === 'telegram') {
    await mainButton(page, { visible: true, active: true, text });
    await pressMain(page);
  } else {
    await page.getByRole('button', { name: text, exact: true }).click();
  }
}

/** The main area has finished loading (no "loading" state block) and its images decoded. */
async function loaded(page: Page): Promise<void> {
  await expect(page.locator('main .screen-title, main .state-block').first()).toBeVisible();
  await expect(page.locator('main .state-block[role=status]')).toHaveCount(0);
  await expect.poll(() => page.evaluate(imagesOnScreenDecoded), { message: 'the images on screen decoded' }).toBe(true);
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(theme, () => {
    test.use({ theme });

    test('every screen: zero axe violations (WCAG 2.0–2.2 A/AA), controls ≥ 44 px, nothing cut off, the project’s language only; tab labels and decline at AA, computed in code', async ({ app, me, host, lang, baseUrl }, testInfo) => {
      // All of axe's WCAG rules in the project's own theme; in the other one what a theme changes
      // (contrast), which keeps the six projects × two themes within the suite's time.
      const rules = theme === testInfo.project.use.theme ? undefined : ['color-contrast', 'link-in-text-block'];
      const world = await seedWorld(baseUrl, me, host);
      const problems: string[] = [];
      for (const label of TEXT[lang].tabs) {
        const m = await contrastOf(app, '.tab-bar-item span', label);
        if (m.error || !(m.ratio >= 4.5)) problems.push(`tab label ${label}: ${JSON.stringify(m)}`);
      }
      for (const [name, path] of screens(world)) {
        if (path !== '/') await go(app, path);
        await loaded(app);
        if (lang === 'ru') await assertNoEnglish(app, `${name} ${theme}`);
        await assertNoHorizontalOverflow(app, `${name} ${theme}`);
        problems.push(...(await wcagViolations(app, rules)).map((v) => `${path}: ${v}`));
        problems.push(...(await smallTargets(app)).map((v) => `${path}: tap target < 44 px: ${v}`));
        if (name === 'trade-detail') {
          const m = await contrastOf(app, 'button', TEXT[lang].decline);
          if (m.error || !(m.ratio >= 4.5)) problems.push(`${TEXT[lang].decline}: ${JSON.stringify(m)}`);
        }
        await shot(app, `${testInfo.project.name.split('-')[0]}-${name}`, { fullPage: false });
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  });
}

test('offline after load: the live indicator says so within a second, every tab opens (no white screen), all recovers when back online', async ({ app, lang }) => {
  const t = TEXT[lang];
  const errors: string[] = [];
  app.on('pageerror', (e) => errors.push(e.message));
  await expect(app.locator('[data-live="open"]')).toBeVisible();
  // Every screen's code has been fetched ahead (the app marks that moment).
  await expect(app.locator('html')).toHaveAttribute('data-screens-loaded', 'true', { timeout: 20_000 });
  await app.context().setOffline(true);
  const t0 = Date.now();
  await expect(app.locator('[data-live="offline"]').getByText(t.offline)).toBeVisible({ timeout: 1_000 });
  expect(Date.now() - t0, 'the live indicator took over a second to say offline').toBeLessThanOrEqual(1_000);
  for (const name of t.tabs) {
    await app.locator('.tab-bar').getByRole('link', { name, exact: true }).click();
    await expect(app.locator('main h1').first()).toBeVisible();
    await expectAlive(app, `offline ${name}`);
  }
  await go(app, '/settings');
  await shot(app, `offline-settings-${lang}`);
  // A tab with nothing cached says "no connection" and offers a retry, not a spinner forever.
  await go(app, '/trades');
  await expect(app.getByRole('button', { name: t.retry }).first()).toBeVisible();
  await expectAlive(app, 'offline trades');
  await shot(app, `offline-trades-${lang}`);
  await app.context().setOffline(false);
  await expect(app.locator('[data-live="open"]')).toBeVisible({ timeout: 20_000 });
  // Back online, the waiting list loads by itself.
  await expect(app.getByRole('button', { name: t.retry })).toHaveCount(0);
  await expectAlive(app, 'back online');
  expect(errors, 'page errors').toEqual([]);
});

test('the pending gift link is shown again on return; replacing it asks first, and the old link’s holder reads that it was replaced (never that the giver keeps it)', async ({ app, open, me, host, lang, baseUrl }) => {
  const t = TEXT[lang];
  const { access_token } = await signIn(baseUrl, me, host);
  const photo = await uploadApi(baseUrl, access_token, `Gift ${me.id.toString(36)}`);
  await go(app, `/photos/${photo}/transfer`);
  await primary(app, host, t.createCode);
  await expect(app.locator('.qr-box img')).toBeVisible();
  const first = await linkOf(app);
  // Away and back: the same live link, no "create" offered.
  await go(app, `/photos/${photo}`);
  await go(app, `/photos/${photo}/transfer`);
  await expect(app.locator('.qr-box img')).toBeVisible();
  await expect(app.locator('.share-code input'), 'reopening the gift screen shows the live link again').toHaveValue(first);
  await expect(app.getByText(t.stillLive)).toBeVisible();
  await expect(app.getByRole('button', { name: t.createCode }), '"create" offered while a link is live').toHaveCount(0);
  if (host === 'telegram') await mainButton(app, { visible: false });
  await shot(app, `gift-link-again-${lang}`);

  // The holder of the first link sees it open.
  const holder = person(lang === 'ru' ? 'Вера' : 'Holly', lang === 'ru' ? 'Кадрова' : 'Holder', lang);
  const h = await (host === 'max' ? open.max(holder, { startParam: `claim_${tokenOf(first)}` }) : open.app(holder, { startParam: `claim_${tokenOf(first)}` }));
  await h.goto(baseUrl);
  await expect(h.locator('[data-claim-state="open"]')).toBeVisible();

  // Replace, on purpose, with a confirmation that says what happens to the old link.
  let asked = '';
  app.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await app.getByRole('button', { name: t.replace }).click();
  await expect(app.locator('.share-code input')).not.toHaveValue(new RegExp(`^$|${tokenOf(first)}`));
  expect(asked, 'the confirmation says the old link stops working').toMatch(t.replaceConfirm);
  expect(tokenOf(await linkOf(app)), 'the replacement link is a new one').not.toBe(tokenOf(first));
  await shot(app, `gift-link-replaced-${lang}`);

  // The old link tells its holder the truth.
  await h.reload();
  await expect(h.locator('[data-claim-state="cancelled"]')).toBeVisible();
  await expect(h.getByText(t.replaced).first()).toBeVisible();
  await expect(h.locator('main')).not.toContainText(/оставляет|keeps it/);
  await expect(h.getByRole('button', { name: t.claim }), 'claim offered on a replaced link').toHaveCount(0);
  if (host === 'telegram') await mainButton(h, { visible: false });
  await shot(h, `claim-replaced-${lang}`);
});

test('"New trade" on the Trades tab opens the trade form with the people search; picking someone shows their photos', async ({ app, lang, baseUrl }) => {
  const t = TEXT[lang];
  // Someone to find, with a photo.
  const tag = run();
  const other = person(lang === 'ru' ? 'Святослав' : 'Quentin', `${lang === 'ru' ? 'Обменов' : 'Trader'}-${tag}`, lang);
  const o = await signIn(baseUrl, other);
  await uploadApi(baseUrl, o.access_token, `Swap ${tag}`);
  await app.locator('.tab-bar').getByRole('link', { name: t.tabs[2], exact: true }).click();
  await app.getByRole('link', { name: t.newTrade }).click();
  await app.waitForURL(/\/trades\/new$/);
  await app.locator('#people-q').fill(`${other.first_name} ${other.last_name}`);
  await app.getByRole('option', { name: new RegExp(tag) }).click();
  await expect(app.getByText(t.youGet).first()).toBeVisible();
  // Their photos to ask for (this new user has none of their own to offer).
  await expect(app.getByRole('main').getByRole('button', { name: new RegExp(`Swap ${tag}`) }).first()).toBeVisible();
  await shot(app, `new-trade-from-tab-${lang}`);
});

test('the main action is on screen above the tab bar: Upload, and Claim on a gift link', async ({ app, open, me, host, lang, baseUrl }) => {
  const t = TEXT[lang];
  await app.locator('.tab-bar').getByRole('link', { name: t.upload, exact: true }).click();
  await expect(app.locator('#upload-title')).toBeVisible();
  const check = async (page: Page, text: string, where: string) => {
    if (host === 'telegram') {
      // The host's main button: always above the keyboard and the app; none in the page.
      await mainButton(page, { visible: true, text });
      await expect(page.locator('.primary-action')).toHaveCount(0);
      return;
    }
    const action = page.locator('.primary-action').first();
    await expectAboveTabBar(page, action, where);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectAboveTabBar(page, action, `${where}, top of the page`);
  };
  await check(app, t.upload, 'upload');
  await shot(app, `upload-action-${lang}`);
  // A gift link opened by someone else.
  const { access_token } = await signIn(baseUrl, me, host);
  const photo = await uploadApi(baseUrl, access_token, `Claim ${me.id.toString(36)}`, [480, 640]);
  const code = await api(baseUrl, '/api/transfers', { token: access_token, body: { photo_id: photo, note: 'x'.repeat(200) } });
  const taker = person(lang === 'ru' ? 'Пётр' : 'Paul', lang === 'ru' ? 'Берущий' : 'Taker', lang);
  const p = await open.app(taker, { startParam: `claim_${code.claim_token}` });
  await p.goto(baseUrl);
  await expect(p.locator('[data-claim-state="open"]')).toBeVisible();
  await check(p, t.claim, 'claim');
  await shot(p, `claim-action-${lang}`);
});
