import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import en from './en';
import { errorText } from './errors';
import { initI18n, pickLanguage, switchLanguage, t } from './index';
import ru from './ru';
import bot from './bot.json';

type Tree = { readonly [k: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** Error codes are backend names (one ends in `_other`), never plural forms. */
const isPlural = (key: string) => PLURAL.test(key) && !key.startsWith('errors.code.');
const base = (keys: Iterable<string>) => new Set([...keys].map((k) => (isPlural(k) ? k.replace(PLURAL, '') : k)));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}|<(\d+)>/g)].map((m) => m[0]).sort();

/** Error codes the backend documents: its OpenAPI (committed as webapp/openapi.json) or its enum. */
function backendErrorCodes(): string[] {
  // (jsdom's URL cannot resolve file: URLs, so go through node:path.)
  const root = `${resolve(dirname(fileURLToPath(import.meta.url)), '../..')}/`;
  const spec = `${root}openapi.json`;
  if (existsSync(spec)) {
    const doc = JSON.parse(readFileSync(spec, 'utf8'));
    const codes = doc?.components?.schemas?.ErrorCode?.enum;
    if (Array.isArray(codes)) return codes;
  }
  const py = `${root}../backend/app/core/errors.py`;
  if (!existsSync(py)) return [];
  const src = readFileSync(py, 'utf8');
  const body = src.split(/class ErrorCode\b[^\n]*\n/)[1];
  if (!body) return [];
  const members: string[] = [];
  for (const line of body.split('\n')) {
    if (/^\S/.test(line)) break; // end of the class body
    if (/^\s+(def|@)/.test(line)) break;
    const m = line.match(/^\s+[A-Za-z0-9_]+\s*=\s*["']([a-z0-9_]+)["']/);
    if (m) members.push(m[1]!);
  }
  return members;
}

describe('catalogues', () => {
  // The bot's texts (bot.json, shared with the backend) are held to the same rules.
  const enKeys = flatten({ ...en, bot: bot.en });
  const ruKeys = flatten({ ...ru, bot: bot.ru });

  it('have the same keys (plural forms aside)', () => {
    const missingInRu = [...base(enKeys.keys())].filter((k) => !base(ruKeys.keys()).has(k));
    const missingInEn = [...base(ruKeys.keys())].filter((k) => !base(enKeys.keys()).has(k));
    expect(missingInRu, 'keys missing from ru.ts').toEqual([]);
    expect(missingInEn, 'keys missing from en.ts').toEqual([]);
  });

  it('give every plural the forms the language needs', () => {
    const need = (lang: string) => new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [lang, keys] of [['en', enKeys], ['ru', ruKeys]] as const) {
      const plurals = [...keys.keys()].filter(isPlural).map((k) => k.replace(PLURAL, ''));
      for (const p of new Set(plurals)) {
        for (const cat of need(lang)) expect(keys.has(`${p}_${cat}`), `${lang}: ${p}_${cat}`).toBe(true);
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, value] of enKeys) {
      if (isPlural(key)) continue;
      const other = ruKeys.get(key);
      if (other === undefined) continue;
      expect(placeholders(other), key).toEqual(placeholders(value));
    }
  });

  it('translate every string (no English left in ru.ts)', () => {
    const same = [...enKeys].filter(([k, v]) => ruKeys.get(k) === v && /[a-z]{3,}/i.test(v.replace(/\{\{\w+\}\}/g, '')));
    // Brand and file-format names are the same in both languages.
    const allowed = /^(JPEG|PNG|GIF|WebP|Max|Telegram|ID \{\{id\}\}|\{\{width\}\}.*)$/;
    expect(same.filter(([, v]) => !allowed.test(v))).toEqual([]);
  });
});

describe('backend error codes', () => {
  const codes = backendErrorCodes();

  it('each have a translation in both languages', () => {
    expect(codes.length, 'no ErrorCode list found (webapp/openapi.json or backend/app/core/errors.py)').toBeGreaterThan(50);
    const enCodes = Object.keys(en.errors.code);
    const ruCodes = Object.keys(ru.errors.code);
    expect(codes.filter((c) => !enCodes.includes(c)), 'codes without English text').toEqual([]);
    expect(codes.filter((c) => !ruCodes.includes(c)), 'codes without Russian text').toEqual([]);
  });

  it('are shown as our text, never the server’s; unknown codes get the generic text', async () => {
    await initI18n('ru');
    const err = (code: string, status = 409) => new ApiError(status, { code, message: 'server English text' });
    for (const code of codes.length ? codes : ['claim_used']) {
      const text = errorText(err(code));
      expect(text).not.toContain('server English text');
      expect(text).toBe(t(`errors.code.${code}`));
    }
    expect(errorText(err('no_such_code_ever', 418))).toBe(ru.errors.generic);
    expect(errorText(new ApiError(422, [{ msg: 'List should have at least 1 item after validation, not 0' }]))).toBe(
      ru.errors.status.invalid,
    );
    expect(errorText(new ApiError(0, null))).toBe(ru.errors.status.network);
  });
});

describe('language choice', () => {
  it('prefers the remembered choice, then the messenger profile, then the browser', () => {
    expect(pickLanguage({ stored: 'en', hostLanguage: 'ru', browser: ['ru'] })).toBe('en');
    expect(pickLanguage({ hostLanguage: 'ru', browser: ['en-US'] })).toBe('ru');
    expect(pickLanguage({ hostLanguage: 'de', browser: ['fr-FR', 'en-GB'] })).toBe('en');
    expect(pickLanguage({ browser: ['uk-UA'] })).toBe('ru');
    expect(pickLanguage({ hostKind: 'max' })).toBe('ru');
    expect(pickLanguage({ hostKind: 'web', browser: ['fr'] })).toBe('en');
  });

  it('sets <html lang> and uses Russian plural rules', async () => {
    await initI18n('ru');
    expect(document.documentElement.lang).toBe('ru');
    expect(t('photo.favoritesCount', { count: 1 })).toBe('1 отметка');
    expect(t('photo.favoritesCount', { count: 3 })).toBe('3 отметки');
    expect(t('photo.favoritesCount', { count: 5 })).toBe('5 отметок');
    expect(t('photo.favoritesCount', { count: 21 })).toBe('21 отметка');
    await switchLanguage('en');
    expect(document.documentElement.lang).toBe('en');
    expect(t('photo.favoritesCount', { count: 1 })).toBe('1 like');
  });
});
