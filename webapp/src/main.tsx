import './styles/bootstrap.scss';
import '@maxhub/max-ui/dist/styles.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadBridge } from './host/bridgeLoader';
import { clientHeaders } from './api/client';
import { detectHost } from './host/host';
import { applyDocumentTheme } from './host/theme';
import { initI18n, pickLanguage, storedLanguage, supported, switchLanguage } from './i18n';
import { initialPath } from './routing/deeplink';
import { publicGalleryQuery, queryClient } from './data/queries';
import { startSignIn } from './state/session';

async function boot() {
  // The gallery's first page (index.html preloads it) into the cache while the bridge loads and
  // the script starts, so the first render draws the tiles themselves; rendered before it, the page
  // showed a skeleton first and drew the whole grid again in a second pass.
  const firstPage = window.location.pathname === '/' ? queryClient.prefetchQuery(publicGalleryQuery) : null;
  await loadBridge();
  const host = detectHost();
  // The colour scheme before the first render: set after it, it restyled the whole page once more.
  applyDocumentTheme(host);
  clientHeaders['X-Client-Host'] = host.kind;
  const signIn = startSignIn(host);
  initI18n(
    pickLanguage({
      stored: storedLanguage(),
      hostLanguage: host.languageCode,
      browser: navigator.languages,
      hostKind: host.kind,
    }),
  );

  // Route on the start parameter (or a desktop web URL) before the first render.
  const start = initialPath(window.location, host.startParam);
  if (start !== window.location.pathname + window.location.search) {
    window.history.replaceState({ depth: 0 }, '', start);
  }

  // A choice made on another device (Max DeviceStorage / Telegram CloudStorage) applies here
  // too, unless this device has its own; it arrives asynchronously, so it never delays paint.
  if (!storedLanguage() && host.storage) {
    void host.storage.get('lang').then((lang) => {
      const chosen = lang === 'ru' || lang === 'en' ? supported(lang) : null;
      if (chosen) void switchLanguage(chosen);
    });
  }

  // The first page waited for here, briefly: on a slow API the skeleton shows meanwhile, as before.
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  if (start === '/') await Promise.race([firstPage, wait(400)]);
  // And the sign-in, a little: answered by now, the first render is the signed-in app (no second
  // render of the whole gallery when it arrives); not, the public gallery paints meanwhile.
  if (signIn) await Promise.race([signIn, wait(150)]);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App host={host} />
    </StrictMode>,
  );
  host.ready();
}

void boot();
