// First: start downloading this language's texts while the rest of this script is evaluated.
import './i18n/early';
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

async function boot() {
  await loadBridge();
  const host = detectHost();
  // The colour scheme before the first render: set after it, it restyled the whole page once more.
  applyDocumentTheme(host);
  clientHeaders['X-Client-Host'] = host.kind;
  // The catalogue of this language only (./i18n/early.ts has most likely started its download).
  const texts = initI18n(
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

  await texts;
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App host={host} />
    </StrictMode>,
  );
  host.ready();
}

void boot();
