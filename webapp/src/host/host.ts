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
  /** The messenger profile's `language_code` (from initDataUnsafe.user), if any. */
  languageCode: string | null;
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
  /** Haptic feedback; silently nothing where the host has none. */
  haptic: Haptics;
  /** Ask before the messenger closes the app (an upload or an unsent form is in progress). */
  setClosingConfirmation(on: boolean): void;
  /** The host's own share sheet for a link, or null (then the app offers copy). */
  share: ((link: string, text: string) => void) | null;
  /**
   * Telegram (Bot API 8.0+): share a message the bot prepared (POST /api/share/prepared), a
   * rich card instead of a bare link; resolves whether it was sent. Null elsewhere (Max's
   * `share` already shares into a Max chat with shareMaxContent).
   */
  shareMessage: ((preparedId: string) => Promise<boolean>) | null;
  /**
   * Max only: full screen brightness while a QR code is shown (`requestScreenMaxBrightness`,
   * which lasts about 30 s per call, so `raise` is repeated while the code stays; `restore` puts
   * the user's brightness back). Telegram's WebApp has no such call, a browser neither: null.
   */
  screenBrightness: { raise(): void; restore(): void } | null;
  /** Telegram's main (bottom) button; null elsewhere. */
  mainButton: MainButton | null;
  /** Close the mini-app (to reopen it fresh from the chat), or null where impossible. */
  close: (() => void) | null;
  /** Host key-value storage that follows the user between devices, or null. */
  storage: HostStorage | null;
}

export interface Haptics {
  impact(style?: 'light' | 'medium' | 'heavy' | 'rigid' | 'soft'): void;
  notify(type: 'success' | 'warning' | 'error'): void;
  selection(): void;
}

export interface MainButtonState {
  text: string;
  disabled?: boolean;
  loading?: boolean;
}

export interface MainButton {
  set(state: MainButtonState, onClick: () => void): void;
  hide(): void;
}

export interface HostStorage {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): void;
}

const NO_HAPTICS: Haptics = { impact: () => {}, notify: () => {}, selection: () => {} };

/** Wraps a bridge call so a missing method or an old client that throws never breaks the app. */
function safe<A extends unknown[]>(fn: ((...args: A) => unknown) | undefined, self: unknown): (...args: A) => void {
  return (...args: A) => {
    try {
      fn?.apply(self, args);
    } catch {
      /* unsupported in this client version */
    }
  };
}

/** Like `safe`, for bridge calls that answer with a promise: a refusal (`client.<method>.<reason>`
 * rejects, an old client, a desktop) is no unhandled rejection. */
function promised(fn: (() => unknown) | undefined, self: unknown): () => void {
  return () => {
    try {
      void Promise.resolve(fn?.call(self)).catch(() => undefined);
    } catch {
      /* unsupported in this client version */
    }
  };
}

function bridgeHaptics(h: HostHaptics | undefined): Haptics {
  if (!h) return NO_HAPTICS;
  return {
    impact: (style = 'light') => safe(h.impactOccurred, h)(style),
    notify: (type) => safe(h.notificationOccurred, h)(type),
    selection: () => safe(h.selectionChanged, h)(),
  };
}

function closingConfirmation(wa: { enableClosingConfirmation?(): void; disableClosingConfirmation?(): void }) {
  return (on: boolean) =>
    on ? safe(wa.enableClosingConfirmation, wa)() : safe(wa.disableClosingConfirmation, wa)();
}

function webShare(win: Window): Host['share'] {
  const nav = win.navigator as (Navigator & { share?: (d: ShareData) => Promise<void> }) | undefined;
  if (!nav || typeof nav.share !== 'function') return null;
  return (link, text) => void nav.share!({ url: link, text }).catch(() => undefined);
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

/** `language_code` of the messenger user: the unsafe copy, else the `user` JSON inside initData. */
export function languageCodeOf(initData: string, unsafe?: { user?: { language_code?: string } }): string | null {
  if (unsafe?.user?.language_code) return unsafe.user.language_code;
  try {
    const user = JSON.parse(new URLSearchParams(initData).get('user') ?? 'null') as { language_code?: unknown } | null;
    return typeof user?.language_code === 'string' ? user.language_code : null;
  } catch {
    return null;
  }
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

/**
 * Max. Every name and argument shape below follows the MAX Bridge reference,
 * https://dev.max.ru/docs/webapps/bridge (window.WebApp): `BackButton.show/hide/onClick/offClick`,
 * `HapticFeedback.impactOccurred(style) / notificationOccurred(type) / selectionChanged()`,
 * `enableClosingConfirmation()` / `disableClosingConfirmation()`, `shareContent({ text, link })` and
 * `shareMaxContent({ text, link })`, `openCodeReader(fileSelect?)` → Promise<{ value }>,
 * `DeviceStorage.getItem(key)` → Promise<{ value }> and `setItem(key, value)` → Promise, `close()`,
 * `initDataUnsafe.user.language_code`. Each is feature-detected: older clients lack some.
 * The share shape was checked against the bridge script itself (max-web-app.js): its
 * `shareMaxContent(params)` forwards one object (`{ text, link }`, or `{ mid, chatType }`) as the
 * `WebAppMaxShare` request, and `openCodeReader(fileSelect = true)` takes one boolean.
 */
function maxHost(win: Window, wa: MaxWebApp): Host {
  return {
    kind: 'max',
    initData: wa.initData,
    startParam: startParamOf(wa.initData, wa.initDataUnsafe),
    platform: platformOf(wa.platform),
    languageCode: languageCodeOf(wa.initData, wa.initDataUnsafe),
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
    haptic: bridgeHaptics(wa.HapticFeedback),
    setClosingConfirmation: closingConfirmation(wa),
    screenBrightness: wa.requestScreenMaxBrightness
      ? { raise: promised(wa.requestScreenMaxBrightness, wa), restore: promised(wa.restoreScreenBrightness, wa) }
      : null,
    // Inside Max, share into a Max chat; the system sheet where only that exists.
    shareMessage: null,
    share: wa.shareMaxContent
      ? (link, text) => safe(wa.shareMaxContent, wa)({ text, link })
      : wa.shareContent
        ? (link, text) => safe(wa.shareContent, wa)({ text, link })
        : webShare(win),
    mainButton: null,
    close: wa.close ? () => safe(wa.close, wa)() : null,
    storage: wa.DeviceStorage
      ? {
          get: async (key) => {
            try {
              const v = await wa.DeviceStorage!.getItem(key);
              return typeof v === 'string' ? v : (v?.value ?? null);
            } catch {
              return null;
            }
          },
          // setItem answers with a promise; a refusal (quota, old client) must not surface as an
          // unhandled rejection, the setting simply stays device-local.
          set: (key, value) => {
            try {
              void Promise.resolve(wa.DeviceStorage!.setItem(key, value)).catch(() => undefined);
            } catch {
              /* unsupported in this client version */
            }
          },
        }
      : null,
  };
}

/**
 * Telegram feature gates by the Bot API version that added each feature, as listed in
 * https://core.telegram.org/bots/webapps ("Initializing Mini Apps" table): BackButton and
 * HapticFeedback 6.1, enableClosingConfirmation 6.2, showScanQrPopup 6.4, CloudStorage 6.9,
 * safeAreaInset/contentSafeAreaInset and their events 8.0. On an older client telegram-web-app.js
 * only logs (or, for CloudStorage, throws) and nothing happens, so the app keeps its own controls
 * instead of relying on a native one that will never appear. A script without isVersionAtLeast
 * (never seen in practice) is trusted.
 */
function telegramShareMessage(tg: TelegramWebApp): Host['shareMessage'] {
  return (id) =>
    new Promise((resolve) => {
      try {
        tg.shareMessage!(id, (sent) => resolve(Boolean(sent)));
      } catch {
        resolve(false); /* an older client: the caller falls back to the plain share */
      }
    });
}

export function tgSupports(tg: TelegramWebApp, version: string): boolean {
  try {
    return tg.isVersionAtLeast ? tg.isVersionAtLeast(version) : true;
  } catch {
    return false;
  }
}

/** Telegram's MainButton (named BottomButton since Bot API 7.10; MainButton stays its alias). */
function telegramMainButton(tg: TelegramWebApp): MainButton | null {
  const mb = tg.MainButton;
  if (!mb) return null;
  let handler: (() => void) | null = null;
  const click = () => handler?.();
  let wired = false;
  return {
    set: (state, onClick) => {
      handler = onClick;
      if (!wired) {
        safe(mb.onClick, mb)(click);
        wired = true;
      }
      safe(mb.setParams, mb)({
        text: state.text,
        is_active: !state.disabled && !state.loading,
        is_visible: true,
        ...(tg.themeParams?.button_color ? { color: tg.themeParams.button_color } : {}),
        ...(tg.themeParams?.button_text_color ? { text_color: tg.themeParams.button_text_color } : {}),
      });
      if (state.loading) safe(mb.showProgress, mb)(false);
      else safe(mb.hideProgress, mb)();
    },
    hide: () => {
      handler = null;
      safe(mb.hideProgress, mb)();
      safe(mb.hide, mb)();
    },
  };
}

/** Telegram's safe areas (fullscreen mode) as CSS variables the layout adds to its padding. */
export function applySafeArea(tg: TelegramWebApp, doc: Document = document): () => void {
  const apply = () => {
    const set = (name: string, inset?: { top?: number; bottom?: number; left?: number; right?: number }) => {
      for (const side of ['top', 'bottom', 'left', 'right'] as const) {
        doc.documentElement.style.setProperty(`--${name}-${side}`, `${inset?.[side] ?? 0}px`);
      }
    };
    set('tg-safe', tg.safeAreaInset);
    set('tg-content-safe', tg.contentSafeAreaInset);
  };
  apply();
  safe(tg.onEvent, tg)('safeAreaChanged', apply);
  safe(tg.onEvent, tg)('contentSafeAreaChanged', apply);
  return () => {
    safe(tg.offEvent, tg)('safeAreaChanged', apply);
    safe(tg.offEvent, tg)('contentSafeAreaChanged', apply);
  };
}

function telegramScanner(tg: TelegramWebApp): Host['scanQr'] {
  if (!tg.showScanQrPopup || !tgSupports(tg, '6.4')) return null;
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
    languageCode: languageCodeOf(tg.initData, tg.initDataUnsafe),
    ready: () => {
      tg.ready();
      safe(tg.expand, tg)();
      applySafeArea(tg);
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
    backButton: tgSupports(tg, '6.1') ? bridgeBackButton(tg.BackButton) : null,
    scanQr: telegramScanner(tg),
    openLink: (url) => (tg.openLink ? tg.openLink(url) : win.open(url, '_blank')),
    haptic: tgSupports(tg, '6.1') ? bridgeHaptics(tg.HapticFeedback) : NO_HAPTICS,
    setClosingConfirmation: tgSupports(tg, '6.2') ? closingConfirmation(tg) : () => {},
    // Telegram's WebApp has no shareURL method (that name belongs to @telegram-apps/sdk, which
    // itself opens this link): the documented way is openTelegramLink with a t.me/share/url link
    // (https://core.telegram.org/bots/webapps#initializing-mini-apps, openTelegramLink; the share
    // link form is https://core.telegram.org/api/links#share-links).
    shareMessage: tg.shareMessage && tgSupports(tg, '8.0') ? telegramShareMessage(tg) : null,
    screenBrightness: null,
    share: tg.openTelegramLink
      ? (link, text) =>
          safe(tg.openTelegramLink, tg)(
            `https://t.me/share/url?url=${encodeURIComponent(link)}&text=${encodeURIComponent(text)}`,
          )
      : webShare(win),
    mainButton: telegramMainButton(tg),
    close: tg.close ? () => safe(tg.close, tg)() : null,
    storage: tg.CloudStorage && tgSupports(tg, '6.9')
      ? {
          get: (key) =>
            new Promise((resolve) => {
              try {
                tg.CloudStorage!.getItem(key, (err, value) => resolve(err ? null : (value ?? null)));
              } catch {
                resolve(null);
              }
            }),
          set: (key, value) => safe(tg.CloudStorage!.setItem, tg.CloudStorage)(key, value),
        }
      : null,
  };
}

function webHost(win: Window): Host {
  return {
    kind: 'web',
    initData: null,
    startParam: null,
    platform: 'web',
    languageCode: null,
    ready: () => {},
    colorScheme: () => systemScheme(win),
    themeParams: () => ({}),
    onThemeChange: (cb) => onSystemSchemeChange(win, cb),
    backButton: null,
    scanQr: null,
    openLink: (url) => {
      win.open(url, '_blank', 'noopener');
    },
    haptic: NO_HAPTICS,
    setClosingConfirmation: () => {},
    share: webShare(win),
    shareMessage: null,
    screenBrightness: null,
    mainButton: null,
    close: null,
    storage: null,
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
