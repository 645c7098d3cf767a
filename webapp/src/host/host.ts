/** A uniform view over the three places the app runs: Max, Telegram, a plain browser. */

export type HostKind = 'max' | 'telegram' | 'web';
export type ColorScheme = 'light' | 'dark';

export interface Host {
  kind: HostKind;
  /** Raw signed initData to send to the backend, or null on the web. */
  initData: string | null;
  /** The mini-app start parameter (`trade_…`, `claim_…`, `login_…`, `photo_…`). */
  startParam: string | null;
  platform: 'ios' | 'android' | 'desktop' | 'web';
  ready(): void;
  colorScheme(): ColorScheme;
  /** Theme colours the host asks for (Telegram themeParams), keyed by name. */
  themeParams(): Record<string, string>;
  onThemeChange(cb: () => void): () => void;
  /** The host's native back button, or null where there is none. */
  backButton: {
    show(): void;
    hide(): void;
    onClick(cb: () => void): () => void;
  } | null;
  /** Native QR scanner; resolves with the text or null if dismissed. Null when absent. */
  scanQr: ((prompt: string) => Promise<string | null>) | null;
  openLink(url: string): void;
}

function systemScheme(win: Window): ColorScheme {
  return win.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function onSystemSchemeChange(win: Window, cb: () => void): () => void {
  const mq = win.matchMedia?.('(prefers-color-scheme: dark)');
  if (!mq) return () => {};
  mq.addEventListener('change', cb);
  return () => mq.removeEventListener('change', cb);
}

function platformOf(raw: string | undefined): Host['platform'] {
  const p = (raw ?? '').toLowerCase();
  if (p === 'ios' || p === 'android') return p;
  if (p === 'web' || p === 'weba' || p === 'webk') return 'web';
  return 'desktop';
}

/** The start parameter from the unsafe copy, or else from the raw initData string. */
export function startParamOf(initData: string, unsafe?: { start_param?: string }): string | null {
  if (unsafe?.start_param) return unsafe.start_param;
  return new URLSearchParams(initData).get('start_param');
}

function bridgeBackButton(bb: HostBackButton | undefined): Host['backButton'] {
  if (!bb) return null;
  return {
    show: () => bb.show(),
    hide: () => bb.hide(),
    onClick: (cb) => {
      bb.onClick(cb);
      return () => bb.offClick(cb);
    },
  };
}

function maxHost(win: Window, wa: MaxWebApp): Host {
  return {
    kind: 'max',
    initData: wa.initData,
    startParam: startParamOf(wa.initData, wa.initDataUnsafe),
    platform: platformOf(wa.platform),
    ready: () => wa.ready?.(),
    colorScheme: () => wa.colorScheme ?? systemScheme(win),
    themeParams: () => ({}),
    onThemeChange: (cb) => {
      const off = onSystemSchemeChange(win, cb);
      wa.onEvent?.('themeChanged', cb);
      return () => {
        off();
        wa.offEvent?.('themeChanged', cb);
      };
    },
    backButton: bridgeBackButton(wa.BackButton),
    scanQr: wa.openCodeReader
      ? async () => {
          const res = await wa.openCodeReader!(true).catch(() => null);
          if (!res) return null;
          return typeof res === 'string' ? res : res.value ?? null;
        }
      : null,
    openLink: (url) => (wa.openLink ? wa.openLink(url) : win.open(url, '_blank')),
  };
}

function telegramScanner(tg: TelegramWebApp): Host['scanQr'] {
  if (!tg.showScanQrPopup || (tg.isVersionAtLeast && !tg.isVersionAtLeast('6.4'))) return null;
  return (prompt) =>
    new Promise((resolve) => {
      let settled = false;
      const onClosed = () => finish(null);
      const finish = (value: string | null) => {
        if (settled) return;
        settled = true;
        tg.offEvent?.('scanQrPopupClosed', onClosed);
        resolve(value);
      };
      tg.onEvent?.('scanQrPopupClosed', onClosed);
      tg.showScanQrPopup!({ text: prompt }, (text) => {
        finish(text);
        return true; // close the popup after the first code
      });
    });
}

function telegramHost(win: Window, tg: TelegramWebApp): Host {
  return {
    kind: 'telegram',
    initData: tg.initData,
    startParam: startParamOf(tg.initData, tg.initDataUnsafe),
    platform: platformOf(tg.platform),
    ready: () => {
      tg.ready();
      tg.expand?.();
    },
    colorScheme: () => tg.colorScheme ?? systemScheme(win),
    themeParams: () => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(tg.themeParams ?? {})) if (v) out[k] = v;
      return out;
    },
    onThemeChange: (cb) => {
      tg.onEvent?.('themeChanged', cb);
      return () => tg.offEvent?.('themeChanged', cb);
    },
    backButton: bridgeBackButton(tg.BackButton),
    scanQr: telegramScanner(tg),
    openLink: (url) => (tg.openLink ? tg.openLink(url) : win.open(url, '_blank')),
  };
}

function webHost(win: Window): Host {
  return {
    kind: 'web',
    initData: null,
    startParam: null,
    platform: 'web',
    ready: () => {},
    colorScheme: () => systemScheme(win),
    themeParams: () => ({}),
    onThemeChange: (cb) => onSystemSchemeChange(win, cb),
    backButton: null,
    scanQr: null,
    openLink: (url) => {
      win.open(url, '_blank', 'noopener');
    },
  };
}

/**
 * Picks the host by the presence of signed initData: Telegram's script defines
 * `Telegram.WebApp` even in a plain browser (with empty initData), so the
 * object alone proves nothing.
 */
export function detectHost(win: Window = window): Host {
  const tg = win.Telegram?.WebApp;
  if (tg?.initData) return telegramHost(win, tg);
  const max = win.WebApp;
  if (max?.initData) return maxHost(win, max);
  return webHost(win);
}
