// @vitest-environment node
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import postcss from 'postcss';
import * as sass from 'sass';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without type declarations
import { isUsedClass, pruneBootstrapCss, usedTokens } from '../scripts/prune-bootstrap-css.mjs';

const APP = join(__dirname, '..');
const SCSS = join(APP, 'src/styles/bootstrap.scss');
const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;

function compiled(): string {
  return sass.compile(SCSS, {
    loadPaths: [join(APP, 'node_modules')],
    quietDeps: true,
    silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'if-function'],
    logger: sass.Logger.silent,
  }).css;
}

function classesOf(css: string): Set<string> {
  return new Set([...css.matchAll(CLASS)].map((m) => m[1]!));
}

function sourceTexts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceTexts(p);
    return /\.(tsx?|css|scss)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [readFileSync(p, 'utf8')] : [];
  });
}

describe('Bootstrap CSS pruning (scripts/prune-bootstrap-css.mjs)', () => {
  const full = compiled();
  const pruned = postcss([pruneBootstrapCss(APP)]).process(full, { from: SCSS }).css;
  const before = classesOf(full);
  const after = classesOf(pruned);
  const dropped = [...before].filter((c) => !after.has(c));

  it('keeps what the screens write and drops variants nobody writes', () => {
    for (const c of ['btn', 'btn-link', 'btn-close', 'form-control', 'is-invalid', 'alert-danger', 'col-lg-7', 'progress-bar-animated', 'visually-hidden'].filter((c) => before.has(c))) {
      expect(after.has(c), c).toBe(true);
    }
    for (const c of ['btn-check', 'col-xxl-12', 'was-validated', 'form-floating']) expect(after.has(c), c).toBe(false);
    expect(pruned.length).toBeLessThan(full.length * 0.75);
    // Rules without classes stay: the variables and reboot's element styles.
    expect(pruned).toContain('--bs-body-font-family');
    expect(pruned).toMatch(/\bbody\s*\{/);
  });

  it('drops only classes that appear nowhere in the app, not even built from a prefix', () => {
    const text = [...sourceTexts(join(APP, 'src')), readFileSync(join(APP, 'index.html'), 'utf8')].join('\n');
    const written = dropped.filter((c) => new RegExp(`(?<![\\w-])${c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text));
    expect(written).toEqual([]);
    const tokens = usedTokens(APP);
    // `alert-${kind}` in the sources keeps every alert colour.
    expect(isUsedClass('alert-anything', tokens)).toBe(true);
    expect(dropped.some((c) => c.startsWith('alert-'))).toBe(false);
  });

  it('leaves every other stylesheet alone', () => {
    const css = '.btn-check { color: red } .col-xxl-12 { width: 100% }';
    expect(postcss([pruneBootstrapCss(APP)]).process(css, { from: join(APP, 'src/styles/app.css') }).css).toBe(css);
  });
});
