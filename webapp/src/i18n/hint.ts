/**
 * The language the app will most likely start in, guessed from the page alone (no bridge, no
 * other app code), so that its catalogue downloads while the entry script is still being
 * evaluated (./early.ts). The app itself decides with `pickLanguage` (./index.ts) once the bridge
 * is up; a wrong guess costs one wasted download, never a wrong language. hint.test.ts checks
 * both agree on the usual launches.
 *
 * (Not an inline script in index.html, which would start even sooner: the production CSP,
 * `script-src 'self'` in nginx.conf, forbids inline scripts.)
 */
export function languageHint(win: Window): 'ru' | 'en' {
  const russian = ['ru', 'be', 'uk', 'kk', 'ky', 'tg', 'uz', 'hy', 'az'];
  const of = (tag: unknown): 'ru' | 'en' | null => {
    if (typeof tag !== 'string' || !tag) return null;
    const primary = tag.toLowerCase().split(/[-_]/)[0] ?? '';
    return primary === 'en' ? 'en' : russian.indexOf(primary) >= 0 ? 'ru' : null;
  };
  try {
    const stored = win.localStorage.getItem('mpg.lang');
    if (stored === 'ru' || stored === 'en') return stored;
  } catch {
    /* storage disabled: go on guessing */
  }
  // The launch parameters: the host's object when it injected one, else the URL's fragment or query.
  const params = new URLSearchParams(`${win.location.hash.replace(/^#/, '')}&${win.location.search.replace(/^\?/, '')}`);
  const w = win as unknown as { WebApp?: { initData?: string }; Telegram?: { WebApp?: { initData?: string } } };
  const initData = w.Telegram?.WebApp?.initData || w.WebApp?.initData || params.get('tgWebAppData') || params.get('WebAppData') || '';
  let kind = w.Telegram?.WebApp?.initData || params.has('tgWebAppData') ? 'telegram' : w.WebApp?.initData || params.has('WebAppData') ? 'max' : '';
  try {
    const user = JSON.parse(new URLSearchParams(initData).get('user') ?? 'null') as { language_code?: unknown } | null;
    const fromHost = of(user?.language_code);
    if (fromHost) return fromHost;
  } catch {
    /* not JSON: no hint from the host */
  }
  for (const tag of win.navigator.languages ?? []) {
    const lang = of(tag);
    if (lang) return lang;
  }
  try {
    if (!kind) kind = win.sessionStorage.getItem('mpg.bridge') ?? '';
  } catch {
    /* as above */
  }
  return kind === 'max' ? 'ru' : 'en';
}
