/**
 * The app's texts: a small typed lookup over two catalogues (ru.ts, en.ts) with i18next's
 * conventions — nested keys `a.b.c`, `{{name}}` placeholders, plural forms `key_one`/`_few`/
 * `_many`/`_other` chosen by `Intl.PluralRules` from `count`, `<0>…</0>` tags filled with
 * elements by `<Trans>` — for about 1 KiB instead of i18next + react-i18next's 16 KiB gzip.
 *
 * Both catalogues are in the entry script (≈ 16 KiB gzip together), measured against fetching
 * only the active one as a chunk of its own: on the 150 ms link of issue 21's profile that
 * chunk's round trip, which starts only once the entry runs, cost more than the other language's
 * 7 KiB (bench/RESULTS.md, issue 21). So the first render is in the right language at once.
 *
 * Language: the user's own choice (Settings, remembered) → the messenger profile's
 * `language_code` (Max and Telegram put it into initData) → `navigator.languages` → English
 * (Russian in Max).
 */
import { cloneElement, createElement, Fragment, isValidElement, useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import en from './en';
import ru from './ru';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A catalogue: nested objects whose leaves are texts. */
export type Catalogue = { readonly [key: string]: string | Catalogue };
/** Values for `{{placeholders}}`; `count` also picks the plural form; `defaultValue` answers a missing key. */
export type TOptions = { readonly count?: number | string; readonly defaultValue?: string } & Readonly<Record<string, unknown>>;
export type TFunction = (key: string, options?: TOptions) => string;

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

// ---------------------------------------------------------------------------------------------
// Catalogues and the current language

const catalogues: Record<Language, Catalogue> = { ru, en };
let language: Language = 'en';
const listeners = new Set<() => void>();

function applyLanguage(lang: Language): void {
  language = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const l of [...listeners]) l();
}

/** Makes `lang` the current language (before the first render). */
export function initI18n(lang: Language): void {
  applyLanguage(lang);
}

export function currentLanguage(): Language {
  return language;
}

/** Switches the UI language now and remembers it (Settings). */
export function switchLanguage(lang: Language): void {
  rememberLanguage(lang);
  applyLanguage(lang);
}

// ---------------------------------------------------------------------------------------------
// Lookup

function lookup(catalogue: Catalogue, key: string): string | undefined {
  let node: string | Catalogue | undefined = catalogue;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const pluralRules = new Map<Language, Intl.PluralRules>();
/** The CLDR plural category of `count` ("one", "few", "many", "other") in `lang`. */
function pluralCategory(lang: Language, count: number): string {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  return rules.select(count);
}

function interpolate(text: string, options: TOptions | undefined): string {
  if (!options || !text.includes('{{')) return text;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    const value = options[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

/** The raw text of `key` in `lang` (the plural form `count` needs, if the catalogue has forms). */
function template(lang: Language, key: string, options?: TOptions): string | undefined {
  const catalogue = catalogues[lang];
  const count = options?.count;
  if (count !== undefined) {
    const n = typeof count === 'number' ? count : Number(count);
    const form = lookup(catalogue, `${key}_${Number.isNaN(n) ? 'other' : pluralCategory(lang, n)}`) ?? lookup(catalogue, `${key}_other`);
    if (form !== undefined) return form;
  }
  return lookup(catalogue, key);
}

/** Does the current catalogue have a text for `key`? */
export function exists(key: string): boolean {
  return lookup(catalogues[language], key) !== undefined;
}

/** The text of `key` in the current language; the key itself when there is none. */
export const t: TFunction = (key, options) => interpolate(template(language, key, options) ?? options?.defaultValue ?? key, options);

// ---------------------------------------------------------------------------------------------
// React

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** One `t` per language, so a component (or an effect that depends on `t`) sees the switch. */
const bound = new Map<Language, { t: TFunction; i18n: { language: Language } }>();
function forLanguage(lang: Language) {
  let b = bound.get(lang);
  if (!b) {
    b = { t: (key, options) => interpolate(template(lang, key, options) ?? options?.defaultValue ?? key, options), i18n: { language: lang } };
    bound.set(lang, b);
  }
  return b;
}

/** `t` in the current language; the component renders again when the language changes. */
export function useTranslation(): { t: TFunction; i18n: { language: Language } } {
  return forLanguage(useSyncExternalStore(subscribe, currentLanguage));
}

/**
 * A text with elements inside: `<0>text</0>` becomes `components[0]` with that text as its
 * child (`<0/>` the bare element). Placeholders are filled after the tags are found, so a value
 * (a user's name) can never add markup.
 */
export function Trans({ i18nKey, values, components = [] }: { i18nKey: string; values?: TOptions; components?: readonly ReactElement[] }) {
  const { i18n } = useTranslation();
  const text = template(i18n.language, i18nKey, values) ?? i18nKey;
  const parts: ReactNode[] = [];
  const tag = /<(\d+)>([\s\S]*?)<\/\1>|<(\d+)\s*\/>/g;
  let last = 0;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    if (m.index > last) parts.push(interpolate(text.slice(last, m.index), values));
    const element = components[Number(m[1] ?? m[3])];
    const inner = m[2] === undefined ? undefined : interpolate(m[2], values);
    if (isValidElement(element)) parts.push(inner === undefined ? cloneElement(element, { key: parts.length }) : cloneElement(element, { key: parts.length }, inner));
    else if (inner !== undefined) parts.push(inner);
    last = tag.lastIndex;
  }
  if (last < text.length) parts.push(interpolate(text.slice(last), values));
  return createElement(Fragment, null, ...parts);
}

// ---------------------------------------------------------------------------------------------
// Formatting

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
