import { describe, expect, it, vi } from 'vitest';
import { launchHint } from './bridgeLoader';
import { detectHost, startParamOf } from './host';

function fakeWindow(extra: Partial<Window>): Window {
  return {
    matchMedia: (q: string) => ({ matches: q.includes('dark'), addEventListener() {}, removeEventListener() {} }),
    open: vi.fn(),
    ...extra,
  } as unknown as Window;
}

const backButton = () => ({ show: vi.fn(), hide: vi.fn(), onClick: vi.fn(), offClick: vi.fn() });

describe('detectHost', () => {
  it('is the web when no bridge is present', () => {
    const host = detectHost(fakeWindow({}));
    expect(host.kind).toBe('web');
    expect(host.initData).toBeNull();
    expect(host.backButton).toBeNull();
    expect(host.scanQr).toBeNull();
    expect(host.colorScheme()).toBe('dark'); // prefers-color-scheme
  });

  it('detects Max by window.WebApp with initData and reads start_param', () => {
    const initData = 'auth_date=1&start_param=trade_abc&hash=ff';
    const bb = backButton();
    const host = detectHost(
      fakeWindow({ WebApp: { initData, initDataUnsafe: { start_param: 'trade_abc' }, platform: 'ios', BackButton: bb, ready: vi.fn() } }),
    );
    expect(host.kind).toBe('max');
    expect(host.initData).toBe(initData);
    expect(host.startParam).toBe('trade_abc');
    expect(host.platform).toBe('ios');
    const off = host.backButton!.onClick(() => {});
    off();
    expect(bb.onClick).toHaveBeenCalledOnce();
    expect(bb.offClick).toHaveBeenCalledOnce();
  });

  it('does not take an empty Telegram object (script loaded in a plain browser) for Telegram', () => {
    const host = detectHost(fakeWindow({ Telegram: { WebApp: { initData: '', ready: vi.fn() } } }));
    expect(host.kind).toBe('web');
  });

  it('detects Telegram and follows its colour scheme and theme params', () => {
    const host = detectHost(
      fakeWindow({
        Telegram: {
          WebApp: {
            initData: 'user=%7B%7D&hash=1',
            colorScheme: 'light',
            themeParams: { bg_color: '#ffffff', text_color: undefined },
            ready: vi.fn(),
          },
        },
      }),
    );
    expect(host.kind).toBe('telegram');
    expect(host.colorScheme()).toBe('light');
    expect(host.themeParams()).toEqual({ bg_color: '#ffffff' });
    expect(host.startParam).toBeNull();
  });

  it('uses the native Max code reader and unwraps {value}', async () => {
    const openCodeReader = vi.fn().mockResolvedValue({ value: 'claim_x' });
    const host = detectHost(fakeWindow({ WebApp: { initData: 'a=1', openCodeReader } }));
    await expect(host.scanQr!('scan')).resolves.toBe('claim_x');
    expect(openCodeReader).toHaveBeenCalledWith(true);
  });

  it('wraps Telegram showScanQrPopup into a promise and closes after the first code', async () => {
    const showScanQrPopup = vi.fn((_p: { text?: string }, cb?: (t: string) => boolean | void) => {
      expect(cb?.('trade_t1')).toBe(true);
    });
    const host = detectHost(
      fakeWindow({
        Telegram: { WebApp: { initData: 'x=1', ready: vi.fn(), showScanQrPopup, isVersionAtLeast: () => true, onEvent: vi.fn(), offEvent: vi.fn() } },
      }),
    );
    await expect(host.scanQr!('Scan')).resolves.toBe('trade_t1');
    expect(showScanQrPopup).toHaveBeenCalledWith({ text: 'Scan' }, expect.any(Function));
  });

  it('resolves null when the Telegram scanner popup is closed without a code', async () => {
    const handlers: Record<string, () => void> = {};
    const host = detectHost(
      fakeWindow({
        Telegram: {
          WebApp: {
            initData: 'x=1',
            ready: vi.fn(),
            showScanQrPopup: () => handlers.scanQrPopupClosed?.(),
            onEvent: (e: string, cb: () => void) => (handlers[e] = cb),
            offEvent: vi.fn(),
          },
        },
      } as unknown as Partial<Window>),
    );
    await expect(host.scanQr!('Scan')).resolves.toBeNull();
  });

  it('has no native scanner on old Telegram clients', () => {
    const host = detectHost(
      fakeWindow({ Telegram: { WebApp: { initData: 'x=1', ready: vi.fn(), showScanQrPopup: vi.fn(), isVersionAtLeast: () => false } } }),
    );
    expect(host.scanQr).toBeNull();
  });
});

describe('startParamOf', () => {
  it('prefers initDataUnsafe and falls back to the raw initData', () => {
    expect(startParamOf('start_param=a_b', { start_param: 'claim_z' })).toBe('claim_z');
    expect(startParamOf('query_id=1&start_param=login_tok&hash=2')).toBe('login_tok');
    expect(startParamOf('query_id=1')).toBeNull();
  });
});

describe('launchHint', () => {
  it('recognises Telegram and Max launch parameters in the fragment or the query', () => {
    expect(launchHint({ hash: '#tgWebAppData=abc&tgWebAppVersion=7.0', search: '' })).toBe('telegram');
    expect(launchHint({ hash: '#WebAppData=abc&WebAppPlatform=ios', search: '' })).toBe('max');
    expect(launchHint({ hash: '', search: '?WebAppVersion=25.9' })).toBe('max');
    expect(launchHint({ hash: '', search: '?startapp=trade_x' })).toBeNull();
    expect(launchHint({ hash: '', search: '' })).toBeNull();
  });
});

describe('native controls', () => {
  it('Max: haptics, closing confirmation, share into Max, close, language from initData', () => {
    const wa = {
      initData: `user=${encodeURIComponent(JSON.stringify({ id: 1, language_code: 'ru' }))}&hash=1`,
      HapticFeedback: { impactOccurred: vi.fn(), notificationOccurred: vi.fn(), selectionChanged: vi.fn() },
      enableClosingConfirmation: vi.fn(),
      disableClosingConfirmation: vi.fn(),
      shareMaxContent: vi.fn(),
      close: vi.fn(),
    };
    const host = detectHost(fakeWindow({ WebApp: wa } as Partial<Window>));
    expect(host.languageCode).toBe('ru');
    host.haptic.impact('medium');
    host.haptic.notify('error');
    host.haptic.selection();
    expect(wa.HapticFeedback.impactOccurred).toHaveBeenCalledWith('medium');
    expect(wa.HapticFeedback.notificationOccurred).toHaveBeenCalledWith('error');
    expect(wa.HapticFeedback.selectionChanged).toHaveBeenCalledOnce();
    host.setClosingConfirmation(true);
    host.setClosingConfirmation(false);
    expect(wa.enableClosingConfirmation).toHaveBeenCalledOnce();
    expect(wa.disableClosingConfirmation).toHaveBeenCalledOnce();
    host.share!('https://max.ru/bot?startapp=claim_x', 'Take it');
    expect(wa.shareMaxContent).toHaveBeenCalledWith({ text: 'Take it', link: 'https://max.ru/bot?startapp=claim_x' });
    host.close!();
    expect(wa.close).toHaveBeenCalledOnce();
    expect(host.mainButton).toBeNull();
  });

  it('an old Max client without these methods (or one that throws) never breaks the app', () => {
    const host = detectHost(
      fakeWindow({ WebApp: { initData: 'hash=1', HapticFeedback: { impactOccurred: () => { throw new Error('old'); } } } } as Partial<Window>),
    );
    expect(() => host.haptic.impact()).not.toThrow();
    expect(() => host.haptic.notify('success')).not.toThrow();
    expect(() => host.setClosingConfirmation(true)).not.toThrow();
    expect(host.close).toBeNull();
  });

  it('Telegram: main button wired, share through t.me/share, safe-area variables', () => {
    const mb = { setParams: vi.fn(), onClick: vi.fn(), offClick: vi.fn(), hide: vi.fn(), showProgress: vi.fn(), hideProgress: vi.fn() };
    const tg = {
      initData: 'hash=1',
      ready: vi.fn(),
      MainButton: mb,
      openTelegramLink: vi.fn(),
      safeAreaInset: { top: 24, bottom: 10 },
      contentSafeAreaInset: { top: 48 },
      onEvent: vi.fn(),
      themeParams: { button_color: '#2481cc' },
    };
    const host = detectHost(fakeWindow({ Telegram: { WebApp: tg } } as Partial<Window>));
    const click = vi.fn();
    host.mainButton!.set({ text: 'Accept' }, click);
    expect(mb.setParams).toHaveBeenCalledWith(expect.objectContaining({ text: 'Accept', is_active: true, is_visible: true, color: '#2481cc' }));
    (mb.onClick.mock.calls[0]![0] as () => void)();
    expect(click).toHaveBeenCalledOnce();
    host.mainButton!.set({ text: 'Accept', loading: true }, click);
    expect(mb.showProgress).toHaveBeenCalled();
    expect(mb.onClick).toHaveBeenCalledOnce(); // wired once, handler swapped
    host.mainButton!.hide();
    expect(mb.hide).toHaveBeenCalled();
    host.share!('https://t.me/bot/app?startapp=trade_1', 'Trade?');
    expect(tg.openTelegramLink).toHaveBeenCalledWith(
      `https://t.me/share/url?url=${encodeURIComponent('https://t.me/bot/app?startapp=trade_1')}&text=Trade%3F`,
    );
    host.ready();
    expect(document.documentElement.style.getPropertyValue('--tg-safe-top')).toBe('24px');
    expect(document.documentElement.style.getPropertyValue('--tg-content-safe-top')).toBe('48px');
  });

  it('Max: full brightness while a QR is shown and back after; Telegram and the web have no such call', async () => {
    const requestScreenMaxBrightness = vi.fn(() => Promise.reject({ error: { code: 'client.requestScreenMaxBrightness.not_supported' } }));
    const restoreScreenBrightness = vi.fn(() => Promise.resolve());
    const host = detectHost(fakeWindow({ WebApp: { initData: 'hash=1', requestScreenMaxBrightness, restoreScreenBrightness } } as Partial<Window>));
    host.screenBrightness!.raise(); // a refusal (desktop client) is swallowed, never an unhandled rejection
    host.screenBrightness!.restore();
    await Promise.resolve();
    expect(requestScreenMaxBrightness).toHaveBeenCalledOnce();
    expect(restoreScreenBrightness).toHaveBeenCalledOnce();
    expect(detectHost(fakeWindow({ WebApp: { initData: 'hash=1' } } as Partial<Window>)).screenBrightness).toBeNull();
    expect(detectHost(fakeWindow({ Telegram: { WebApp: { initData: 'x=1', ready: vi.fn() } } } as Partial<Window>)).screenBrightness).toBeNull();
    expect(detectHost(fakeWindow({})).screenBrightness).toBeNull();
  });

  it('Telegram 8.0: shareMessage shares a prepared message; older clients and other hosts have none', async () => {
    const shareMessage = vi.fn((_id: string, cb?: (sent: boolean) => void) => cb?.(true));
    const tg = { initData: 'hash=1', ready: vi.fn(), shareMessage, isVersionAtLeast: (v: string) => Number(v) <= 8 };
    const host = detectHost(fakeWindow({ Telegram: { WebApp: tg } } as Partial<Window>));
    await expect(host.shareMessage!('prepared-1')).resolves.toBe(true);
    expect(shareMessage).toHaveBeenCalledWith('prepared-1', expect.any(Function));
    const old = { ...tg, isVersionAtLeast: (v: string) => Number(v) <= 7.10 };
    expect(detectHost(fakeWindow({ Telegram: { WebApp: old } } as Partial<Window>)).shareMessage).toBeNull();
    const throwing = { ...tg, shareMessage: () => { throw new Error('unsupported'); } };
    await expect(detectHost(fakeWindow({ Telegram: { WebApp: throwing } } as Partial<Window>)).shareMessage!('x')).resolves.toBe(false);
    expect(detectHost(fakeWindow({ WebApp: { initData: 'hash=1' } } as Partial<Window>)).shareMessage).toBeNull();
  });

  it('Telegram 6.0: features added later (core.telegram.org/bots/webapps) are not used, the app keeps its own', () => {
    const tg = {
      initData: 'hash=1',
      ready: vi.fn(),
      isVersionAtLeast: (v: string) => Number(v) <= 6.0,
      BackButton: backButton(),
      HapticFeedback: { impactOccurred: vi.fn(), notificationOccurred: vi.fn(), selectionChanged: vi.fn() },
      enableClosingConfirmation: vi.fn(),
      disableClosingConfirmation: vi.fn(),
      CloudStorage: { getItem: vi.fn(), setItem: vi.fn() },
    };
    const host = detectHost(fakeWindow({ Telegram: { WebApp: tg } } as Partial<Window>));
    expect(host.backButton).toBeNull(); // 6.1
    host.haptic.notify('success'); // 6.1
    expect(tg.HapticFeedback.notificationOccurred).not.toHaveBeenCalled();
    host.setClosingConfirmation(true); // 6.2
    expect(tg.enableClosingConfirmation).not.toHaveBeenCalled();
    expect(host.storage).toBeNull(); // 6.9
  });

  it('Telegram 8.0: the same calls reach the bridge', () => {
    const tg = {
      initData: 'hash=1',
      ready: vi.fn(),
      isVersionAtLeast: (v: string) => Number(v) <= 8.0,
      BackButton: backButton(),
      HapticFeedback: { impactOccurred: vi.fn(), notificationOccurred: vi.fn(), selectionChanged: vi.fn() },
      enableClosingConfirmation: vi.fn(),
      disableClosingConfirmation: vi.fn(),
      CloudStorage: { getItem: vi.fn(), setItem: vi.fn() },
    };
    const host = detectHost(fakeWindow({ Telegram: { WebApp: tg } } as Partial<Window>));
    expect(host.backButton).not.toBeNull();
    host.haptic.notify('success');
    expect(tg.HapticFeedback.notificationOccurred).toHaveBeenCalledWith('success');
    host.setClosingConfirmation(true);
    expect(tg.enableClosingConfirmation).toHaveBeenCalledOnce();
    host.storage!.set('lang', 'en');
    expect(tg.CloudStorage.setItem).toHaveBeenCalledWith('lang', 'en');
  });

  it('Max DeviceStorage: {value} unwrapped, a rejected setItem is swallowed', async () => {
    const rejected = vi.fn(() => Promise.reject(new Error('quota')));
    const wa = {
      initData: 'hash=1',
      DeviceStorage: { getItem: vi.fn(async () => ({ value: 'ru' })), setItem: rejected },
    };
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const host = detectHost(fakeWindow({ WebApp: wa } as Partial<Window>));
      expect(await host.storage!.get('lang')).toBe('ru');
      host.storage!.set('lang', 'en');
      expect(rejected).toHaveBeenCalledWith('lang', 'en');
      await new Promise((r) => setTimeout(r, 0));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
