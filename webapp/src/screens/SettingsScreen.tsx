import { Button, Switch } from '@maxhub/max-ui';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { meApi } from '../api';
import { ScreenTitle } from '../components/Screen';
import { Notice, errorText } from '../components/States';
import { UserAvatar } from '../components/UserChip';
import { useMe, useSession } from '../state/session';

type Flash = { kind: 'success' | 'danger'; text: string } | null;

function ProfileSection() {
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
            ID {me.id}
            {me.messenger && ` · signed in with ${me.messenger === 'max' ? 'Max' : 'Telegram'}`}
            {me.username && ` · @${me.username}`}
          </div>
        </div>
      </div>
      {flash && <Notice kind={flash.kind} onClose={() => setFlash(null)}>{flash.text}</Notice>}
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void save({ display_name: name.trim() }, 'Name saved.');
        }}
        className="mb-3"
      >
        <label htmlFor="display-name" className="form-label">Display name</label>
        <div className="input-group">
          <input id="display-name" className="form-control" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
          <Button type="submit" disabled={busy || !name.trim() || name.trim() === me.display_name}>Save</Button>
        </div>
      </form>
      <label className="d-flex align-items-center gap-3" htmlFor="private-switch">
        <span className="flex-grow-1">
          <span className="d-block">Private profile</span>
          <span className="small text-secondary">Others must ask before they can see your collection.</span>
        </span>
        <Switch
          id="private-switch"
          checked={isPrivate}
          disabled={busy}
          onChange={(e) => {
            const on = e.target.checked;
            setIsPrivate(on);
            void save({ is_private: on }, on ? 'Your profile is private now.' : 'Your profile is public now.');
          }}
        />
      </label>
    </section>
  );
}

function PasswordSection() {
  const me = useMe();
  const { setMe } = useSession();
  const [current, setCurrent] = useState('');
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
      await meApi.setPassword(password, me.has_password ? current : undefined);
      setMe({ ...me, has_password: true });
      setCurrent('');
      setPassword('');
      setRepeat('');
      setFlash({ kind: 'success', text: 'Password saved. You can sign in on a computer with it.' });
    } catch (err) {
      setFlash({ kind: 'danger', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card-surface">
      <h2 className="h6">Desktop password</h2>
      <p className="small text-secondary">
        {me.has_password ? 'Change the password' : 'Set a password'} for signing in from a desktop browser
        {me.username ? ` as @${me.username}` : ''}. You can always sign in there with a QR code instead.
      </p>
      {flash && <Notice kind={flash.kind} onClose={() => setFlash(null)}>{flash.text}</Notice>}
      <form onSubmit={submit} className="d-grid gap-2">
        {me.has_password && (
          <input type="password" className="form-control" placeholder="Current password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required aria-label="Current password" />
        )}
        <input type="password" className="form-control" placeholder="New password (8+ characters)" autoComplete="new-password" minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} required aria-label="New password" />
        <input type="password" className={`form-control${mismatch ? ' is-invalid' : ''}`} placeholder="Repeat the new password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required aria-label="Repeat the new password" />
        {mismatch && <div className="small text-danger">The passwords differ.</div>}
        <Button type="submit" loading={busy} disabled={!password || mismatch}>Save password</Button>
      </form>
    </section>
  );
}

/** Privacy, name, desktop password, sign-out. */
export default function SettingsScreen() {
  const { host, signOut } = useSession();
  return (
    <div className="mx-auto" style={{ maxWidth: 640 }}>
      <ScreenTitle>Settings</ScreenTitle>
      <ProfileSection />
      <section className="card-surface d-flex flex-column gap-2">
        <Link href="/requests">Profile requests</Link>
        <Link href="/trades">Trades and transfers</Link>
      </section>
      <PasswordSection />
      {host.kind === 'web' && (
        <Button mode="secondary" appearance="negative" stretched onClick={() => void signOut()}>
          Sign out
        </Button>
      )}
    </div>
  );
}
