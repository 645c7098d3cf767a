// Issue 21's exchange checks: a pending gift link is shown again when its giver comes back and
// is replaced only on request — and whoever holds the old link is told it was replaced (never
// "the giver keeps it"); a new trade starts from the Trades tab with the people search.
import { maxPhone } from './lib/browser.mjs';

const linkOf = async (page) => page.locator('.share-code input').inputValue();
const tokenOf = (link) => (link.match(/claim_([\w-]+)/) ?? link.match(/\/claim\/([\w-]+)/))[1];

export async function hands({ browser, base, step, check, go, shot, maxInit, uploadVia, giver, holder }) {
  await step('ru/Max: the pending gift link is shown again on return; "Заменить ссылку" makes a new one and the old holder reads "Ссылку заменили новой"', async () => {
    const gc = await maxPhone(browser, maxInit(giver));
    const g = await gc.newPage();
    await g.goto(base);
    await g.getByRole('heading', { name: 'Галерея' }).waitFor();
    const photo = await uploadVia(g, `Подарок ${Date.now().toString(36)}`);
    await go(g, `/photos/${photo}/transfer`);
    await g.getByRole('button', { name: 'Создать ссылку' }).click();
    await g.locator('.qr-box img').waitFor();
    const first = await linkOf(g);
    // Away and back: the same live link, no "create" offered.
    await go(g, `/photos/${photo}`);
    await go(g, `/photos/${photo}/transfer`);
    await g.locator('.qr-box img').waitFor();
    check((await linkOf(g)) === first, 'reopening "Подарить" did not show the live link again');
    await g.getByText('Это ваша действующая ссылка').waitFor();
    check((await g.getByRole('button', { name: 'Создать ссылку' }).count()) === 0, '"Создать ссылку" offered while a link is live');
    await shot(g, 'gift-link-again');

    // The holder of the first link sees it open.
    const hc = await maxPhone(browser, maxInit(holder, `claim_${tokenOf(first)}`), { startParam: `claim_${tokenOf(first)}` });
    const h = await hc.newPage();
    await h.goto(base);
    await h.locator('[data-claim-state="open"]').waitFor();

    // Replace, on purpose, with a confirmation that says what happens to the old link.
    g.once('dialog', (d) => {
      check(/Старая перестанет работать/.test(d.message()), `confirmation says: ${d.message()}`);
      void d.accept();
    });
    await g.getByRole('button', { name: 'Заменить ссылку' }).click();
    await g.waitForFunction((old) => {
      const input = document.querySelector('.share-code input');
      return !!input?.value && input.value !== old;
    }, first);
    const second = await linkOf(g);
    check(tokenOf(second) !== tokenOf(first), 'the replacement link is the old one');

    // The old link tells its holder the truth.
    await h.reload();
    await h.locator('[data-claim-state="cancelled"]').waitFor();
    await h.getByText('Ссылку заменили новой').first().waitFor();
    const text = await h.locator('main').innerText();
    check(!/оставляет/.test(text), `the old link says: ${text}`);
    check((await h.getByRole('button', { name: 'Забрать' }).count()) === 0, 'Claim offered on a replaced link');
    await shot(h, 'claim-replaced');
    await hc.close();
    await gc.close();
  });

  await step('ru/Max: "Новый обмен" on the Trades tab opens the trade form with the people search; picking someone shows their photos', async () => {
    const c = await maxPhone(browser, maxInit(holder));
    const page = await c.newPage();
    await page.goto(base);
    await page.getByRole('heading', { name: 'Галерея' }).waitFor();
    await page.locator('.tab-bar').getByRole('link', { name: 'Обмены', exact: true }).click();
    await page.getByRole('link', { name: 'Новый обмен' }).click();
    await page.waitForURL(/\/trades\/new$/);
    const search = page.getByRole('searchbox').or(page.locator('#people-q')).first();
    await search.fill(giver.first_name);
    await page.getByRole('option', { name: new RegExp(giver.first_name) }).first().click();
    await page.getByText(/Вы получаете \(0\)/).first().waitFor();
    await page.locator('.pick-grid').nth(1).locator('.photo-tile').first().waitFor({ timeout: 10_000 });
    await shot(page, 'new-trade-from-tab');
    await c.close();
  });
}
