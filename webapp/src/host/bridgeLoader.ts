/**
 * Loads the messenger's bridge script only when the page was launched by that
 * messenger, so a desktop browser never waits for (or needs) a third-party
 * script. Both messengers put launch parameters into the URL fragment (or
 * query): Telegram `tgWebAppData`/`tgWebAppVersion`, Max `WebAppData`/`WebAppVersion`.
 */

export type BridgeKind = 'max' | 'telegram';

export const BRIDGE_SCRIPTS: Record<BridgeKind, string> = {
  max: 'https://st.max.ru/js/max-web-app.js',
  telegram: 'https://telegram.org/js/telegram-web-app.js',
};

const HINT_KEY = 'mpg.bridge';

/** Which messenger launched this page, judged by its launch parameters in the URL. */
export function launchHint(loc: { hash: string; search: string }): BridgeKind | null {
  const params = new URLSearchParams(`${loc.hash.replace(/^#/, '')}&${loc.search.replace(/^\?/, '')}`);
  const has = (...keys: string[]) => keys.some((k) => params.has(k));
  if (has('tgWebAppData', 'tgWebAppVersion', 'tgWebAppPlatform')) return 'telegram';
  if (has('WebAppData', 'WebAppVersion', 'WebAppPlatform')) return 'max';
  return null;
}

function rememberedHint(): BridgeKind | null {
  try {
    const v = sessionStorage.getItem(HINT_KEY);
    return v === 'max' || v === 'telegram' ? v : null;
  } catch {
    return null;
  }
}

function remember(kind: BridgeKind): void {
  try {
    sessionStorage.setItem(HINT_KEY, kind);
  } catch {
    /* storage may be disabled in a webview: the hint is only an optimisation */
  }
}

function injectScript(src: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    script.onload = done;
    script.onerror = done;
    document.head.appendChild(script);
  });
}

/**
 * Ensures the bridge object exists before the app starts. Never rejects: when
 * the script cannot load the app falls back to the desktop flow.
 */
export async function loadBridge(win: Window = window, timeoutMs = 4000): Promise<void> {
  if (win.WebApp?.initData || win.Telegram?.WebApp?.initData) return; // injected by the host or a test
  const kind = launchHint(win.location) ?? rememberedHint();
  if (!kind) return;
  remember(kind);
  await injectScript(BRIDGE_SCRIPTS[kind], timeoutMs);
}
