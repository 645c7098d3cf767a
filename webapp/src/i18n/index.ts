/**
 * i18next set up synchronously (both catalogues are bundled, ~10 KiB gzip together), so the
 * first render is already in the user's language and nothing flashes in English.
 *
 * Language: the user's own choice (Settings, remembered) → the messenger profile's
 * `language_code` (Max and Telegram put it into initData) → `navigator.languages` → English.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import ru from './ru';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'mpg.lang';

/** Languages whose speakers are far better served by Russian than by English. */
const RUSSIAN_READERS = new Set(['ru', 'be', 'uk', 'kk', 'ky', 'tg', 'uz', 'hy', 'az']);

/** Maps any BCP-47 tag to a language we ship, or null. */
export function supported(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const primary = tag.toLowerCase().split(/[-_]/)[0]!;
  if (primary === 'en') return 'en';
  if (RUSSIAN_READERS.has(primary)) return 'ru';
  return null;
}

export function storedLanguage(): Language | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'ru' || v === 'en' ? v : null;
  } catch {
    return null; // storage disabled in some webviews
  }
}

export function rememberLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* the choice then lasts for this session only */
  }
}

export interface LanguageHints {
  stored?: Language | null;
  /** `language_code` of the messenger user (initDataUnsafe.user). */
  hostLanguage?: string | null;
  /** navigator.languages */
  browser?: readonly string[];
  /** Max is a Russian messenger: with no other hint Russian is the better guess there. */
  hostKind?: 'max' | 'telegram' | 'web';
}

export function pickLanguage(h: LanguageHints): Language {
  if (h.stored) return h.stored;
  const fromHost = supported(h.hostLanguage);
  if (fromHost) return fromHost;
  for (const tag of h.browser ?? []) {
    const lang = supported(tag);
    if (lang) return lang;
  }
  return h.hostKind === 'max' ? 'ru' : 'en';
}

function applyToDocument(lang: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function initI18n(lang: Language): I18n {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources: { en: { translation: en }, ru: { translation: ru } },
      lng: lang,
      fallbackLng: false,
      initAsync: false,
      interpolation: { escapeValue: false }, // React escapes
      returnNull: false,
    });
    i18next.on('languageChanged', applyToDocument);
  } else if (i18next.language !== lang) {
    void i18next.changeLanguage(lang);
  }
  applyToDocument(lang);
  return i18next;
}

export function currentLanguage(): Language {
  return i18next.language === 'ru' ? 'ru' : 'en';
}

/** Switches the UI language now and remembers it (Settings). */
export async function switchLanguage(lang: Language): Promise<void> {
  rememberLanguage(lang);
  await i18next.changeLanguage(lang);
}

/**
 * Date and time, each kept on one line: a line may break only between them ("1 дек. 2026 г.,"
 * then "23:14"), never inside "1 / дек.", which a narrow card did.
 */
export function formatDate(iso: string): string {
  const text = new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  const glued = text.replace(/ /g, '\u00a0');
  const cut = glued.lastIndexOf(',\u00a0');
  return cut < 0 ? glued : `${glued.slice(0, cut)}, ${glued.slice(cut + 2)}`;
}

/** Digit-group separators, as `Intl.NumberFormat` writes them (format.test.ts compares). */
const GROUP: Record<Language, string> = { ru: '\u00a0', en: ',' };

/**
 * A whole number in the current language's digit grouping ("1 234" / "1,234"). Not through
 * `Intl.NumberFormat`: the first one a page makes loads ICU's number data, 100+ ms of the main
 * thread on a slow phone, and every tile of the first screen shows a mint number.
 */
export function formatNumber(n: number): string {
  if (!Number.isInteger(n)) return new Intl.NumberFormat(currentLanguage()).format(n);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, GROUP[currentLanguage()]);
  return n < 0 ? `-${digits}` : digits;
}

export { i18next };
