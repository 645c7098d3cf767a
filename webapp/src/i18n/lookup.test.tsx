import { act } from 'preact/test-utils';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import en from './en';
import { currentLanguage, exists, initI18n, switchLanguage, t, Trans, useTranslation } from './index';
import ru from './ru';

describe('t', () => {
  it('fills placeholders, picks plural forms by count and falls back like i18next did', async () => {
    await initI18n('ru');
    expect(t('photo.inTrade', { id: 7 })).toBe('в <0>обмене №7</0>');
    expect(t('errors.wait.seconds', { count: 2 })).toBe('2 секунды');
    expect(t('errors.wait.seconds', { count: 11 })).toBe('11 секунд');
    expect(t('errors.wait.seconds', { count: 1.5 })).toBe('1.5 секунды'); // CLDR: fractions are "other"
    // A key without plural forms takes count as a plain value.
    expect(t('newTrade.youGive', { count: 3 })).toBe(ru.newTrade.youGive.replace('{{count}}', '3'));
    expect(t('no.such.key')).toBe('no.such.key');
    expect(t('no.such.key', { defaultValue: 'pending' })).toBe('pending');
    expect(t('photo')).toBe('photo'); // a subtree is not a text
    expect(exists('errors.code.claim_used')).toBe(true);
    expect(exists('errors.code.nope')).toBe(false);
  });

  it('switches language at once and answers in it', async () => {
    await initI18n('ru');
    expect(currentLanguage()).toBe('ru');
    await switchLanguage('en');
    expect(currentLanguage()).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(t('errors.wait.hours', { count: 1 })).toBe('1 hour');
    expect(t('errors.wait.hours', { count: 5 })).toBe('5 hours');
    expect(t('gallery.title')).toBe(en.gallery.title);
  });
});

describe('React', () => {
  function Probe() {
    const { t, i18n } = useTranslation();
    return (
      <p>
        {i18n.language}: {t('gallery.title')} —{' '}
        <Trans i18nKey="photo.by" values={{ name: '<1>Анна</1>' }} components={[<a href="/users/1" />]} />
      </p>
    );
  }

  it('renders in the current language, again after a switch; <Trans> never parses a value as markup', async () => {
    await initI18n('ru');
    const box = document.createElement('div');
    await act(() => createRoot(box).render(<Probe />));
    expect(box.textContent).toBe(`ru: ${ru.gallery.title} — <1>Анна</1>`);
    expect(box.querySelector('a')?.getAttribute('href')).toBe('/users/1');
    expect(box.querySelector('a')?.textContent).toBe('<1>Анна</1>');
    await act(() => switchLanguage('en'));
    expect(box.textContent).toBe(`en: ${en.gallery.title} — by <1>Анна</1>`);
    expect(box.querySelector('a')?.textContent).toBe('<1>Анна</1>');
  });
});
