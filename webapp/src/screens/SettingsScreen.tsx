import { Button, Switch } from '@maxhub/max-ui';
import { useTranslation } from '../i18n';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { meApi } from '../api';
import { ScreenTitle, Segmented } from '../components/Screen';
import { switchLanguage, type Language } from '../i18n';
import { Notice, errorText } from '../components/States';
import { UserAvatar } from '../components/UserChip';
import NotificationSettings from '../components/NotificationSettings';
import { useMe, useSession } from '../state/session';

/** The UI language: remembered here and in the messenger's own storage (other devices). */
function LanguageSection() {
  const { t, i18n } = useTranslation();
  const { host } = useSession();
  const current = i18n.language === 'ru' ? 'ru' : 'en';
  const choose = (lang: Language) => {
    host.haptic.selection();
    host.storage?.set('lang', lang);
    void switchLanguage(lang);
  };
  return (
    <section className="card-surface">
      <h2 className="h6" id="lang-label">{t('settings.language')}</h2>
      <Segmented<Language>
        label={t('settings.language')}
        value={current}
        onChange={choose}
        options={[
          { value: 'ru', label: 'Русский' },
          { value: 'en', label: 'English' },
        ]}
      />
    </section>
  );
}

type Flash = { kind: 'success' | 'danger'; text: string } | null;

function ProfileSection() {
  const { t } = useTranslation();
  const me = useMe();
  const { setMe } = useSession();
  const [name, setName] = useState(me.display_name);
  // Optimistic: the switch moves at once and snaps back if saving fails.
  const [isPrivate, setIsPrivate] = useState(me.is_private);
  const [flash, setFlash] = useState<Flash>(null);
  const [busy, setBusy] = useState(false);

  const save = async (patch: { display_name?: string; is_private?: boolean }, ok: string) => {
    setBusy(true);
    setFlash(null);
    try {
      const next = await meApi.update(patch);
      setMe(next);
      setIsPrivate(next.is_private);
      setFlash({ kind: 'success', text: ok });
    } catch (err) {
      setIsPrivate(me.is_private);
      setFlash({ kind: 'danger', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card-surface">
      <div className="d-flex align-items-center gap-3 mb-3">
        <UserAvatar user={me} size={56} />
        <div className="min-w-0">
          <div className="fw-semibold">{me.display_name}</div>
          <div className="small text-secondary">
            {t('user.id', { id: me.id })}
            {me.messenger && ` · ${t('settings.signedInWith', { host: me.messenger === 'max' ? 'Max' : 'Telegram' })}`}
            {me.username && ` · @${me.username}`}
          </div>
        </div>
      </div>
      {flash && <Notice kind={flash.kind} onClose={() => setFlash(null)}>{flash.text}</Notice>}
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void save({ display_name: name.trim() }, t('settings.nameSaved'));
        }}
        className="mb-3"
      >
        <label htmlFor="display-name" className="form-label">{t('settings.displayName')}</label>
        <div className="input-group">
          <input id="display-name" className="form-control" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
          <Button type="submit" disabled={busy || !name.trim() || name.trim() === me.display_name}>{t('common.save')}</Button>
        </div>
      </form>
      <label className="d-flex align-items-center gap-3" htmlFor="private-switch">
        <span className="flex-grow-1">
          <span className="d-block">{t('settings.private')}</span>
          <span className="small text-secondary">{t('settings.privateHint')}</span>
        </span>
        <Switch
          id="private-switch"
          checked={isPrivate}
          disabled={busy}
          onChange={(e) => {
            const on = e.target.checked;
            setIsPrivate(on);
            void save({ is_private: on }, on ? t('settings.nowPrivate') : t('settings.nowPublic'));
          }}
        />
      </label>
    </section>
  );
}

function PasswordSection() {
  const { t } = useTranslation();
  const me = useMe();
  const { setMe } = useSession();
  const [current, setCurrent] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [flash, setFlash] = useState<Flash>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = repeat.length > 0 && password !== repeat;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setFlash(null);
    try {
      const chosen = me.username ? undefined : username.trim();
      await meApi.setPassword(password, me.has_password ? current : undefined, chosen);
      setMe({ ...me, has_password: true, username: me.username ?? chosen ?? null });
      setUsername('');
      setCurrent('');
      setPassword('');
      setRepeat('');
      setFlash({ kind: 'success', text: t('settings.passwordSaved') });
    } catch (err) {
      setFlash({ kind: 'danger', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card-surface">
      <h2 className="h6">{t('settings.password')}</h2>
      <p className="small text-secondary">
        {me.has_password ? t('settings.passwordHintChange') : t('settings.passwordHintSet')}
        {me.username && <span className="d-block">{t('settings.passwordAs', { username: me.username })}</span>}
      </p>
      {flash && <Notice kind={flash.kind} onClose={() => setFlash(null)}>{flash.text}</Notice>}
      <form onSubmit={submit} className="d-grid gap-2">
        {me.has_password && (
          <input type="password" className="form-control" placeholder={t('settings.currentPassword')} autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required aria-label={t('settings.currentPassword')} />
        )}
        {!me.username && (
          <>
            <input type="text" className="form-control" placeholder={t('settings.chooseUsername')} autoComplete="username" pattern="[A-Za-z0-9_.\-]{3,32}" minLength={3} maxLength={32} value={username} onChange={(e) => setUsername(e.target.value)} required aria-label={t('settings.chooseUsername')} aria-describedby="username-rule" />
            <small id="username-rule" className="text-secondary">{t('settings.usernameRule')}</small>
          </>
        )}
        <input type="password" className="form-control" placeholder={t('settings.newPassword')} autoComplete="new-password" minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} required aria-label={t('settings.newPassword')} aria-describedby="password-rule" />
        <small id="password-rule" className="text-secondary">{t('settings.passwordRule')}</small>
        <input type="password" className={`form-control${mismatch ? ' is-invalid' : ''}`} placeholder={t('settings.repeatPassword')} autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required aria-label={t('settings.repeatPassword')} />
        {mismatch && <div className="small text-danger">{t('settings.mismatch')}</div>}
        <Button type="submit" loading={busy} disabled={!password || mismatch || (!me.username && username.trim().length < 3)}>{t('settings.savePassword')}</Button>
      </form>
    </section>
  );
}

/** Privacy, name, desktop password, sign-out. */
export default function SettingsScreen() {
  const { t } = useTranslation();
  const { host, signOut } = useSession();
  return (
    <div className="mx-auto" style={{ maxWidth: 640 }}>
      <ScreenTitle>{t('settings.title')}</ScreenTitle>
      <ProfileSection />
      <LanguageSection />
      <NotificationSettings />
      <section className="card-surface d-flex flex-column" aria-label={t('settings.links')}>
        <Link href="/requests" className="tap-link">{t('profileRequests.title')}</Link>
        <Link href="/trades" className="tap-link">{t('trades.title')}</Link>
      </section>
      <PasswordSection />
      {host.kind === 'web' && (
        <Button mode="secondary" appearance="negative" stretched onClick={() => void signOut()}>
          {t('settings.signOut')}
        </Button>
      )}
    </div>
  );
}
