// Checks in code that the matrix and the review run on screens: all of axe's WCAG 2.0-2.2 A/AA
// rules, the contrast of a given text against what is painted behind it, controls under 44 px,
// links in running text told apart only by colour, and the app's shell being alive.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Every axe rule of WCAG 2.0-2.2 A and AA (or only the rules named). */
export async function wcagViolations(page: Page, only?: string[]): Promise<string[]> {
  // Injected once per document (in-app navigation keeps it); only violations are collected.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (only) => {
    const r = await (window as any).axe.run(document, {
      runOnly: only ? { type: 'rule', values: only } : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v: any) => `${v.id}: ${v.nodes.slice(0, 3).map((n: any) => `${n.target.join(' ')} (${(n.failureSummary ?? '').split('\n')[1]?.trim() ?? ''})`).join(' | ')}`);
  }, only);
}

/** Contrast ratio (WCAG 2) of the element's text against what is painted behind it. */
export function contrastOf(page: Page, selector: string, text?: string): Promise<any> {
  return page.evaluate(
    ({ selector, text }) => {
      const parse = (c) => {
        const m = c.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return { r, g, b, a };
      };
      const over = (top, under) => ({
        r: top.r * top.a + under.r * (1 - top.a),
        g: top.g * top.a + under.g * (1 - top.a),
        b: top.b * top.a + under.b * (1 - top.a),
        a: 1,
      });
      const lum = ({ r, g, b }) => {
        const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      let el = [...document.querySelectorAll(selector)].find((e) => !text || e.textContent.trim() === text);
      if (!el) return { error: `no ${selector} "${text ?? ''}"` };
      // The element that holds the text itself.
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.textContent.trim() ? 1 : 3) });
      const node = walker.nextNode();
      if (node) el = node.parentElement;
      const fg = parse(getComputedStyle(el).color);
      const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg && bg.a > 0) {
          layers.push(bg);
          if (bg.a >= 1) break;
        }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 };
      if (!layers.length || layers.at(-1).a < 1) bg = document.documentElement.dataset.bsTheme === 'dark' ? { r: 0, g: 0, b: 0, a: 1 } : bg;
      for (const l of layers.reverse()) bg = over(l, bg);
      const text_ = over(fg, bg);
      const [a, b] = [lum(text_), lum(bg)].sort((x, y) => y - x);
      return { ratio: (a + 0.05) / (b + 0.05), fg: getComputedStyle(el).color, bg: `rgb(${bg.r.toFixed(0)}, ${bg.g.toFixed(0)}, ${bg.b.toFixed(0)})`, size: getComputedStyle(el).fontSize };
    },
    { selector, text },
  );
}

/** Every visible control the review measured (and the ones like it) that is smaller than 44×44. */
export function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const sel = 'button, a.btn, .btn, .btn-close, input.form-control, select.form-select, textarea.form-control, [role=switch], [role=tab], [role=option], input[type=checkbox], .timeline a, .tab-bar-item, .tap-link, .header-avatar';
    const bad = [];
    for (const el of document.querySelectorAll(sel)) {
      // A switch's real hit area is its (invisible) input stretched over the toggle.
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (getComputedStyle(el).visibility === 'hidden' || el.closest('[aria-hidden=true]')) continue;
      if (r.width < 43.5 || r.height < 43.5)
        bad.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 2).join('.')} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 24)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return bad;
  });
}

/** Links inside running text (not tiles, tabs, buttons or chips) are underlined. */
export function plainTextLinks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('main a')]
      .filter((a) => {
        if (a.closest('.photo-tile, .tab-bar, .btn, [class*=Button], .user-chip, .people-item, .trade-card-link, .brand')) return false;
        if (a.className && !/tap-link/.test(a.className) && a.querySelector('img, svg, .photo-image')) return false;
        // Running text: the link shares its line box with other text.
        const parent = a.parentElement;
        return parent && parent.textContent.trim() !== a.textContent.trim();
      })
      .filter((a) => !getComputedStyle(a).textDecorationLine.includes('underline'))
      .map((a) => `"${a.textContent.trim().slice(0, 24)}"`),
  );
}


/** The app is alive: the tab bar has its five tabs and the main area says something. */
export async function expectAlive(page: Page, where: string): Promise<void> {
  await expect(page.locator('.tab-bar .tab-bar-item'), `${where}: the tab bar`).toHaveCount(5);
  await expect(page.locator('main'), `${where}: dead screen`).not.toBeEmpty();
  await expect.poll(() => page.locator('main').innerText().then((t) => t.trim().length), { message: `${where}: dead screen` }).toBeGreaterThan(0);
}

/** The element's box is on screen and clear of the tab bar. */
export async function expectAboveTabBar(page: Page, locator: Locator, where: string): Promise<void> {
  await expect(locator).toBeVisible();
  const box = (await locator.boundingBox())!;
  const bar = (await page.locator('.tab-bar').boundingBox())!;
  const height = page.viewportSize()!.height;
  const msg = `${where}: main action ${JSON.stringify(box)} not above the tab bar ${JSON.stringify(bar)} in ${height}px`;
  expect(box.y, msg).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, msg).toBeLessThanOrEqual(bar.y + 0.5);
  expect(bar.y + bar.height, msg).toBeLessThanOrEqual(height + 0.5);
}
