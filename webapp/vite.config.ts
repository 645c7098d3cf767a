import { fileURLToPath } from 'node:url';
import { loadEnv } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
// @ts-expect-error plain ESM build script without type declarations
import { pruneMaxUiCss } from './scripts/prune-maxui-css.mjs';
// @ts-expect-error plain ESM build script without type declarations
import { pruneBootstrapCss } from './scripts/prune-bootstrap-css.mjs';
import { firstPagePreload } from './src/api/firstPage';

// Dev server proxies the API, the WebSocket and media to the backend so the
// app is always same-origin, exactly as in production behind nginx.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), '');
  const target = env.VITE_PROXY_TARGET || 'http://127.0.0.1:8000';
  return {
    // max-ui ships one stylesheet for all components: keep only the rules of rendered ones.
    plugins: [
      react(),
      pruneMaxUiCss(),
      // The first gallery page starts downloading with the scripts (src/api/firstPage.ts).
      { name: 'preload-first-page', transformIndexHtml: (html: string) => html.replace('</title>', `</title>\n    ${firstPagePreload(env.VITE_API_BASE || '/api')}`) },
    ],
    // Preact renders the app through its React-compatible layer (preact/compat): the same React
    // API, types (@types/react) and libraries, for 4 KiB instead of react-dom's 40 KiB gzip in
    // the entry chunk (issue 21: first tiles within 1.5 s on a slow phone network).
    resolve: {
      alias: [
        { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
        { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
        { find: /^react-dom$/, replacement: 'preact/compat' },
        { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
        { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
        { find: /^react$/, replacement: 'preact/compat' },
        { find: /^use-sync-external-store\/shim(\/index\.js)?$/, replacement: fileURLToPath(new URL('./src/shims/useSyncExternalStore.ts', import.meta.url)) },
      ],
    },
    // Bootstrap's own Sass still uses @import and global functions: silence its deprecations.
    css: {
      preprocessorOptions: { scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'if-function'] } },
      // Bootstrap's rules for classes the app never writes go (scripts/prune-bootstrap-css.mjs).
      postcss: { plugins: [pruneBootstrapCss(fileURLToPath(new URL('.', import.meta.url)))] },
    },
    server: {
      proxy: {
        '/api': { target, ws: true, changeOrigin: true },
        '/media': { target, changeOrigin: true },
        '/health': { target, changeOrigin: true },
      },
    },
    build: {
      outDir: 'dist',
      assetsDir: 'assets',
      sourcemap: false,
      target: 'es2020',
      // Rolldown's [PLUGIN_TIMINGS] notice ("JavaScript callbacks ran for 22 s…", the Sass
      // transform on a loaded machine) is noise to someone running scripts/run.sh: off.
      rolldownOptions: {
        checks: { bundlerTimings: false },
        // Everything the first screen needs in one file: each extra chunk was another request
        // before the first tiles (8 JS files before). Lazy screens import from it.
        output: { codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] } },
      },
    },
    test: {
      // jsdom for what touches the DOM; files testing plain logic start with
      // `// @vitest-environment node` and skip jsdom's start-up (most of this suite's time).
      environment: 'jsdom',
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    },
  };
});
