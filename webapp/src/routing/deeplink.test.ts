// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { initialPath, scannedTextToPath, startParamToPath } from './deeplink';

describe('startParamToPath', () => {
  it.each([
    ['trade_AbC-9_x', '/trade/AbC-9_x'],
    ['claim_tok123', '/claim/tok123'],
    ['login_Zz_-', '/login/Zz_-'],
    ['photo_42', '/photos/42'],
    // bot notifications' buttons
    ['trades_17', '/trades/17'],
    ['user_5', '/users/5'],
    ['requests_in', '/requests'],
  ])('%s → %s', (param, path) => {
    expect(startParamToPath(param)).toBe(path);
  });

  it.each([null, '', 'trade_', '_abc', 'photo_x1', 'unknown_abc', 'trade_a/b', 'claim_a b', 'trades_x', 'user_1a', 'requests_out'])('rejects %s', (param) => {
    expect(startParamToPath(param)).toBeNull();
  });
});

describe('initialPath', () => {
  it("prefers the host's start parameter", () => {
    expect(initialPath({ pathname: '/', search: '' }, 'claim_abc')).toBe('/claim/abc');
  });

  it('routes ?startapp= on a plain web URL and keeps other query params', () => {
    expect(initialPath({ pathname: '/', search: '?startapp=trade_t1' }, null)).toBe('/trade/t1');
    expect(initialPath({ pathname: '/', search: '?tgWebAppStartParam=photo_7' }, null)).toBe('/photos/7');
    expect(initialPath({ pathname: '/me', search: '?startapp=bogus&x=1' }, null)).toBe('/me?x=1');
  });

  it('keeps desktop web URLs as they are', () => {
    expect(initialPath({ pathname: '/login/tok', search: '' }, null)).toBe('/login/tok');
    expect(initialPath({ pathname: '/photos/3', search: '' }, 'junk')).toBe('/photos/3');
  });
});

describe('scannedTextToPath', () => {
  it.each([
    ['https://max.ru/gallery_bot?startapp=trade_t1', '/trade/t1'],
    ['https://t.me/gallery_bot/app?startapp=claim_c2', '/claim/c2'],
    ['https://gallery.example.com/claim/c3', '/claim/c3'],
    ['https://gallery.example.com/login/l4/', '/login/l4'],
    ['http://localhost:8000/photos/12', '/photos/12'],
    ['/trade/t5', '/trade/t5'],
    ['  login_l6 ', '/login/l6'],
  ])('%s → %s', (text, path) => {
    expect(scannedTextToPath(text)).toBe(path);
  });

  it.each(['', 'hello world', 'https://example.com/', 'https://example.com/settings', 'WIFI:S:net;;'])('ignores %s', (text) => {
    expect(scannedTextToPath(text)).toBeNull();
  });
});
