/**
 * Drops the Bootstrap rules whose classes the app never writes.
 *
 * src/styles/bootstrap.scss already takes only the Bootstrap parts the screens use (grid, forms,
 * buttons, alerts, progress, close, some utilities), but each part brings every variant: all
 * column sizes, all button colours, validation states, `btn-check`, floating labels… — half of
 * its rules. A class is used when it appears as a word anywhere in the app's sources (src/**
 * and index.html), or starts with a prefix the sources complete at run time (`alert-${kind}`).
 * A rule is kept when every class in one of its selectors is used; rules without classes
 * (`:root` variables, reboot's element rules, keyframes) always stay.
 * src/bootstrap-css.test.ts checks that what is dropped is really written nowhere.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(tsx?|css|scss)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

/** Words the app's sources contain, and the prefixes they complete at run time (`alert-${kind}`). */
export function usedTokens(appDir) {
  const text = [...sources(join(appDir, 'src')), join(appDir, 'index.html')].map((f) => readFileSync(f, 'utf8')).join('\n');
  return {
    words: new Set(text.match(/[A-Za-z_][\w-]*/g)),
    prefixes: [...new Set([...text.matchAll(/([a-z][\w-]*-)\$\{/g)].map((m) => m[1]))],
  };
}

export function isUsedClass(name, { words, prefixes }) {
  return words.has(name) || prefixes.some((p) => name.startsWith(p));
}

/** A PostCSS plugin pruning the stylesheet compiled from src/styles/bootstrap.scss only. */
export function pruneBootstrapCss(appDir) {
  let tokens = null;
  return {
    postcssPlugin: 'prune-bootstrap-css',
    Once(root) {
      if (!/[\\/]src[\\/]styles[\\/]bootstrap\.scss$/.test(root.source?.input.file ?? '')) return;
      tokens ??= usedTokens(appDir);
      root.walkRules((rule) => {
        if (rule.parent?.type === 'atrule' && /keyframes$/.test(rule.parent.name)) return;
        const kept = rule.selectors.filter((sel) => [...sel.matchAll(CLASS)].every((m) => isUsedClass(m[1], tokens)));
        if (kept.length === 0) rule.remove();
        else if (kept.length !== rule.selectors.length) rule.selectors = kept;
      });
      root.walkAtRules((at) => {
        if (at.nodes && at.nodes.length === 0) at.remove();
      });
    },
  };
}
pruneBootstrapCss.postcss = true;
