// Telegram on an iPhone (bottom safe-area inset 34 px), projects tg-en-320 and tg-en-390, light
// and dark: the tab bar keeps its items full size above the inset (issue 21: it was crushed to
// 22×7 px icons and 78×25 px targets).
import { expect, shot, test, TELEGRAM_DARK, TELEGRAM_LIGHT } from './fixtures';

for (const theme of ['light', 'dark'] as const) {
  test(`en/Telegram, iPhone bottom inset 34 px (${theme}): the tab bar keeps its items above the inset, targets ≥ 44 px, icons ≥ 20 px`, async ({ open, me, baseUrl }) => {
    const page = await open.telegram(me, { theme, themeParams: theme === 'dark' ? TELEGRAM_DARK : TELEGRAM_LIGHT, safeAreaInset: { top: 0, bottom: 34, left: 0, right: 0 } });
    await page.goto(baseUrl);
    await expect(page.locator('.tab-bar')).toBeVisible();
    const m = await page.evaluate(() => {
      const bar = document.querySelector('.tab-bar')!.getBoundingClientRect();
      const items = Array.from(document.querySelectorAll('.tab-bar-item')).map((el) => {
        const r = el.getBoundingClientRect();
        const icon = el.querySelector('svg')!.getBoundingClientRect();
        return { w: r.width, h: r.height, iconW: icon.width, iconH: icon.height };
      });
      return { bottomPad: parseFloat(getComputedStyle(document.querySelector('.tab-bar')!).paddingBottom), items, vh: innerHeight, barBottom: bar.bottom };
    });
    expect(Math.round(m.bottomPad), 'tab bar bottom padding is the 34 px inset').toBe(34);
    expect(Math.round(m.barBottom), 'the tab bar is at the bottom edge').toBe(m.vh);
    expect(m.items).toHaveLength(5);
    for (const it of m.items) {
      expect(Math.min(it.w, it.h), `tab item ${it.w}×${it.h}`).toBeGreaterThanOrEqual(44);
      expect(Math.min(it.iconW, it.iconH), `tab icon crushed to ${it.iconW}×${it.iconH}`).toBeGreaterThanOrEqual(20);
    }
    await shot(page, 'telegram-inset-34');
  });
}
