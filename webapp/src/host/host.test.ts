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
