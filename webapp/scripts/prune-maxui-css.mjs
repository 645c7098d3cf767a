/**
 * Drops the @maxhub/max-ui CSS of components the app never renders.
 *
 * max-ui 0.1.14 ships one stylesheet (dist/styles.css, 110 KiB raw) for all of its components and
 * no per-component CSS entry points, and its index.js is kept whole by the bundler, so neither an
 * import change nor tree-shaking removes any of it. Its class names are CSS-module names,
 * `<Component>__<hash>` or `<Component>_<modifier>__<hash>`, each map used only by its own
 * component. UNUSED lists the components that the app does not import and that no other max-ui
 * component renders; src/maxui-css.test.ts re-derives both facts from max-ui's index.js and the
 * app's sources, so an upgrade or a new import fails the test instead of losing styles.
 */
import postcss from 'postcss';

export const UNUSED = [
  'CellAction', 'CellHeader', 'CellInput', 'CellList', 'CellSimple', 'Container', 'Dot', 'Flex',
  'Grid', 'IconButton', 'Input', 'Panel', 'Textarea', 'ToolButton',
];

const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;
const unusedClass = new RegExp(`^(?:${UNUSED.join('|')})(?:_[\\w-]*)?__[\\w-]+$`);

/** True when a selector styles one of the UNUSED components. */
export function isUnusedSelector(selector) {
  return [...selector.matchAll(CLASS)].some((m) => unusedClass.test(m[1]));
}

/** The CSS text without the rules of UNUSED components. */
export function pruneCss(css) {
  const root = postcss.parse(css);
  root.walkRules((rule) => {
    const kept = rule.selectors.filter((sel) => !isUnusedSelector(sel));
    if (kept.length === 0) rule.remove();
    else if (kept.length !== rule.selectors.length) rule.selectors = kept;
  });
  // @media / @supports blocks left empty by the removal go too.
  root.walkAtRules((at) => {
    if (at.nodes && at.nodes.length === 0) at.remove();
  });
  return root.toString();
}

/**
 * Vite plugin: prunes max-ui's stylesheet when it is loaded, before Vite's CSS pipeline, so the
 * emitted file's content hash covers the pruned text.
 */
export function pruneMaxUiCss() {
  return {
    name: 'prune-maxui-css',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@maxhub[\\/]max-ui[\\/]dist[\\/]styles\.css(\?|$)/.test(id)) return null;
      return { code: pruneCss(code), map: null };
    },
  };
}
