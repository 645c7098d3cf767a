import { Switch } from '@maxhub/max-ui';
import { useEffect, useState } from 'react';
import { useTranslation } from '../i18n';
import bot from '../i18n/bot.json';
import { meApi } from '../api';
import type { NotificationKind, NotificationSettings as Settings } from '../api/types';
import { Notice, errorText } from './States';
import { useMe } from '../state/session';

/**
 * Settings → "Messages from the bot": one switch per notification kind (all on by default),
 * stored on the server (GET/PUT /api/me/notifications). Shown only to messenger users: the bot
 * writes in the messenger they signed in with. Optimistic: a switch moves at once and snaps
 * back if saving fails.
 */
export default function NotificationSettings() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!me.messenger) return;
    let live = true;
    meApi.notifications().then(
      (s) => live && setSettings(s),
      (err) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [me.messenger]);

  if (!me.messenger) return null;
  const host = me.messenger === 'max' ? 'Max' : 'Telegram';

  const toggle = async (kind: NotificationKind, on: boolean) => {
    if (!settings) return;
    const before = settings;
    const disabled = on ? settings.disabled.filter((k) => k !== kind) : [...settings.disabled, kind];
    setSettings({ ...settings, disabled });
    setBusy(true);
    setError(null);
    try {
      setSettings(await meApi.setNotifications(disabled));
    } catch (err) {
      setSettings(before);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card-surface" aria-labelledby="notifications-label" data-testid="notification-settings">
      <h2 className="h6" id="notifications-label">{t('settings.notifications')}</h2>
      <p className="small text-secondary">{t('settings.notificationsHint', { host })}</p>
      {settings && !settings.bot_reachable && <Notice kind="warning">{t('settings.botUnreachable', { host })}</Notice>}
      {error && <Notice kind="danger" onClose={() => setError(null)}>{error}</Notice>}
      {settings?.kinds.map((kind) => (
        <label key={kind} className="d-flex align-items-center gap-3 py-1" htmlFor={`notify-${kind}`}>
          <span className="flex-grow-1">{bot[i18n.language].kinds[kind]}</span>
          <Switch
            id={`notify-${kind}`}
            checked={!settings.disabled.includes(kind)}
            disabled={busy}
            onChange={(e) => void toggle(kind, e.target.checked)}
          />
        </label>
      ))}
    </section>
  );
}
