import { describe, expect, it } from 'vitest';
import { languageHint } from './hint';
import { pickLanguage, supported, type Language } from './index';

/** A window as the head script sees it: URL, storage, navigator, maybe an injected bridge. */
function win({ hash = '', search = '', stored = null as string | null, languages = [] as string[], bridge = null as string | null, injected = {} }) {
  const storage = (v: string | null) => ({ getItem: () => v }) as unknown as Storage;
  return {
    location: { hash, search },
    localStorage: storage(stored),
    sessionStorage: storage(bridge),
    navigator: { languages },
    ...injected,
  } as unknown as Window;
}
const initData = (lang?: string) => new URLSearchParams({ user: JSON.stringify({ id: 1, first_name: 'A', ...(lang ? { language_code: lang } : {}) }), hash: 'x' }).toString();

describe('languageHint (the catalogue index.html preloads)', () => {
  const cases: [string, Parameters<typeof win>[0], Parameters<typeof pickLanguage>[0]][] = [
    ['remembered choice', { stored: 'en', languages: ['ru'] }, { stored: 'en', browser: ['ru'] }],
    ['Max, Russian profile (bridge injected)', { injected: { WebApp: { initData: initData('ru') } }, languages: ['en-US'] }, { hostLanguage: 'ru', browser: ['en-US'], hostKind: 'max' }],
    ['Max, launch parameters in the fragment', { hash: `#WebAppData=${encodeURIComponent(initData('en'))}&WebAppVersion=25`, languages: ['ru'] }, { hostLanguage: 'en', browser: ['ru'], hostKind: 'max' }],
    ['Max, no language anywhere', { hash: `#WebAppData=${encodeURIComponent(initData())}` }, { hostKind: 'max' }],
    ['Telegram, Ukrainian profile', { hash: `#tgWebAppData=${encodeURIComponent(initData('uk'))}`, languages: ['en'] }, { hostLanguage: 'uk', browser: ['en'], hostKind: 'telegram' }],
    ['Telegram, German profile, English browser', { injected: { Telegram: { WebApp: { initData: initData('de') } } }, languages: ['de-DE', 'en-GB'] }, { hostLanguage: 'de', browser: ['de-DE', 'en-GB'], hostKind: 'telegram' }],
    ['desktop browser, Russian', { languages: ['ru-RU', 'en'] }, { browser: ['ru-RU', 'en'], hostKind: 'web' }],
    ['desktop browser, French', { languages: ['fr'] }, { browser: ['fr'], hostKind: 'web' }],
    ['Max reloaded without its fragment', { bridge: 'max', languages: ['fr'] }, { browser: ['fr'], hostKind: 'max' }],
  ];
  for (const [name, w, hints] of cases) {
    it(`agrees with pickLanguage: ${name}`, () => {
      const want: Language = pickLanguage(hints);
      expect(languageHint(win(w))).toBe(want);
    });
  }

  it('survives a webview without storage and a malformed initData', () => {
    const broken = { getItem: () => { throw new Error('denied'); } } as unknown as Storage;
    const w = { location: { hash: '#WebAppData=%7Bnot-json', search: '' }, localStorage: broken, sessionStorage: broken, navigator: { languages: ['kk'] } } as unknown as Window;
    expect(languageHint(w)).toBe(supported('kk'));
  });
});
