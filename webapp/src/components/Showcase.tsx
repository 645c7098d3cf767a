import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { useTranslation } from '../i18n';
import { meApi, photosApi, usersApi, type Photo, type Showcase } from '../api';
import { keys } from '../data/queries';
import { useApiQuery } from '../hooks/useApiQuery';
import { useSession } from '../state/session';
import { PhotoTile } from './PhotoGrid';
import { Notice, errorText } from './States';
import '../styles/collector.css';

/** How many objects a profile may pin (the backend's limit: 422 `showcase_full` past it). */
export const SHOWCASE_MAX = 6;

export function useShowcase(userId: number) {
  return useApiQuery(keys.showcase(userId), (signal) => usersApi.showcase(userId, signal));
}

/**
 * The pinned objects at the top of a profile, in their owner's order. Its owner reorders and
 * unpins here; others only look (and see changes live: `showcase.updated` refetches it).
 */
export function ShowcaseSection({ userId, isMe }: { userId: number; isMe: boolean }) {
  const { t } = useTranslation();
  const { host } = useSession();
  const showcase = useShowcase(userId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const items = showcase.data?.items ?? [];
  if (showcase.loading || showcase.error) return null; // the collection below has its own states
  if (items.length === 0 && !isMe) return null;

  const save = async (ids: number[]) => {
    setBusy(true);
    setError(null);
    try {
      const next = await meApi.setShowcase(ids);
      showcase.setData(() => next);
      host.haptic.selection();
    } catch (err) {
      host.haptic.notify('error');
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const ids = items.map((p) => p.id);
  const move = (from: number, to: number) => {
    const next = [...ids];
    const [id] = next.splice(from, 1);
    next.splice(to, 0, id!);
    void save(next);
  };

  return (
    <section className="showcase card-surface" aria-label={t('showcase.title')} data-testid="showcase">
      <div className="d-flex align-items-baseline gap-2 mb-2">
        <h2 className="h6 mb-0">{t('showcase.title')}</h2>
        {isMe && <span className="small text-secondary">{t('showcase.count', { count: items.length, max: SHOWCASE_MAX })}</span>}
      </div>
      {error && <Notice kind="danger" onClose={() => setError(null)}>{error}</Notice>}
      {items.length === 0 ? (
        <p className="small text-secondary mb-0" data-testid="showcase-empty">{t('showcase.emptyMine', { max: SHOWCASE_MAX })}</p>
      ) : (
        <ol className="showcase-grid">
          {items.map((p, i) => (
            <li key={p.id} className="showcase-item" data-photo-id={p.id}>
              <PhotoTile photo={p} />
              {isMe && (
                <>
                  <button type="button" className="showcase-unpin" disabled={busy} onClick={() => void save(ids.filter((x) => x !== p.id))} aria-label={t('showcase.unpinNamed', { title: p.title })}>
                    <span aria-hidden="true">✕</span>
                  </button>
                  <div className="showcase-tools">
                    <button type="button" className="btn btn-link" disabled={busy || i === 0} onClick={() => move(i, i - 1)} aria-label={t('showcase.moveUp', { title: p.title })}>
                      ↑
                    </button>
                    <button type="button" className="btn btn-link" disabled={busy || i === items.length - 1} onClick={() => move(i, i + 1)} aria-label={t('showcase.moveDown', { title: p.title })}>
                      ↓
                    </button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** On one's own object: pin it to (or unpin it from) the profile, hide it from the profile. */
export function ShowcaseControls({ photo, onChange }: { photo: Photo; onChange: (p: Photo) => void }) {
  const { t } = useTranslation();
  const { host } = useSession();
  const showcase = useShowcase(photo.owner.id);
  const [busy, setBusy] = useState<'pin' | 'hide' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = showcase.data?.items.map((p) => p.id) ?? [];
  const pinned = ids.includes(photo.id);
  const full = !pinned && ids.length >= SHOWCASE_MAX;

  const run = async (what: 'pin' | 'hide', call: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await call();
      host.haptic.selection();
    } catch (err) {
      host.haptic.notify('error');
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };
  const togglePin = () =>
    run('pin', async () => {
      const next: Showcase = await meApi.setShowcase(pinned ? ids.filter((x) => x !== photo.id) : [...ids, photo.id]);
      showcase.setData(() => next);
    });
  const toggleHidden = () =>
    run('hide', async () => {
      onChange(await photosApi.setProfileHidden(photo.id, !photo.profile_hidden));
      showcase.reload(); // hiding unpins it
    });

  return (
    <div className="mb-3" data-testid="showcase-controls">
      {error && <Notice kind="danger" onClose={() => setError(null)}>{error}</Notice>}
      {photo.profile_hidden && <Notice kind="info">{t('showcase.hiddenNotice')}</Notice>}
      {full && !photo.profile_hidden && <p className="small text-secondary mb-2">{t('showcase.full', { max: SHOWCASE_MAX })}</p>}
      <div className="d-flex flex-wrap gap-2">
        {!photo.profile_hidden && (
          <Button mode="secondary" onClick={() => void togglePin()} loading={busy === 'pin'} disabled={busy !== null || full || showcase.loading} aria-pressed={pinned}>
            {pinned ? t('showcase.unpin') : t('showcase.pin')}
          </Button>
        )}
        <Button mode="tertiary" onClick={() => void toggleHidden()} loading={busy === 'hide'} disabled={busy !== null}>
          {photo.profile_hidden ? t('showcase.showOnProfile') : t('showcase.hideFromProfile')}
        </Button>
      </div>
    </div>
  );
}
