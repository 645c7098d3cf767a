// Checks the browser suite runs on screens: language of the visible text, accessibility
// (axe-core, pinned npm package, injected into the page) and tap-target sizes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Every English catalogue string (fragments between placeholders) that Russian spells differently. */
function catalogueStrings(file) {
  const src = readFileSync(new URL(`../../src/i18n/${file}`, import.meta.url), 'utf8');
  const out = new Map();
  for (const m of src.matchAll(/^\s*([\w]+):\s*'((?:[^'\\]|\\.)*)',?$/gm)) out.set(m[1] + ':' + m[2], m[2].replace(/\\'/g, "'"));
  return [...out.values()];
}

const EN = catalogueStrings('en.ts');
const RU = new Set(catalogueStrings('ru.ts'));
/** English fragments long enough to be unmistakable (no brand names, no formats). */
export const ENGLISH_FRAGMENTS = [
  ...new Set(
    EN.filter((s) => !RU.has(s))
      .flatMap((s) => s.split(/\{\{\w+\}\}|<\/?\d+>/))
      .map((s) => s.trim())
      .filter((s) => s.length >= 6 && /[a-z]{3}/i.test(s) && !/^(JPEG|Telegram|Max)\b/.test(s)),
  ),
];

/** Visible text plus accessible names (aria-label, alt, placeholder, title) of the page. */
export async function visibleText(page) {
  return page.evaluate(() => {
    const parts = [document.body.innerText, document.title];
    for (const el of document.querySelectorAll('[aria-label],[alt],[placeholder],[title]')) {
      for (const a of ['aria-label', 'alt', 'placeholder', 'title']) {
        const v = el.getAttribute(a);
        if (v) parts.push(v);
      }
    }
    return parts.join('\n');
  });
}

/** Fails when any English catalogue string shows on a Russian screen. */
export async function assertNoEnglish(page, where) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (lang !== 'ru') throw new Error(`${where}: <html lang="${lang}">, expected ru`);
  const text = await visibleText(page);
  const found = ENGLISH_FRAGMENTS.filter((f) => text.includes(f));
  if (found.length) throw new Error(`${where}: English text on a Russian screen: ${found.slice(0, 5).map((f) => JSON.stringify(f)).join(', ')}`);
}

/**
 * axe-core's colour-contrast and target-size rules, plus our stricter 44×44 px rule for
 * every visible control (buttons, links styled as buttons, tabs, switches, inputs).
 */
export async function assertAccessible(page, where) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast', 'target-size', 'button-name', 'link-name', 'image-alt', 'label'] } });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`) }));
  });
  const small = await page.evaluate(() => {
    const sel = 'button, [role=tab], [role=switch], [role=option], a.btn, .tab-bar-item, .tap-link, input[type=checkbox], .header-avatar';
    const bad = [];
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue; // not shown
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || el.closest('[aria-hidden=true]')) continue;
      if (r.width < 44 - 0.5 || r.height < 44 - 0.5) {
        bad.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 2).join('.')} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 24)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return bad;
  });
  const problems = [...result.map((v) => `${v.id}: ${v.nodes.join(' | ')}`), ...small.map((s) => `tap target < 44 px: ${s}`)];
  if (problems.length) throw new Error(`${where}: accessibility\n  ${problems.join('\n  ')}`);
}

/** The primary action must be fully inside the viewport width (no cut-off at 320 px). */
export async function assertNoHorizontalOverflow(page, where) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (over > 1) throw new Error(`${where}: the page is ${over}px wider than the screen`);
}
