import { Button } from '@maxhub/max-ui';
import { useState, type FormEvent } from 'react';
import { useTranslation } from '../i18n';
import { useParams } from 'wouter';
import { useHistoryState } from 'wouter/use-browser-location';
import { ApiError, photosApi, type Photo } from '../api';
import { Icon } from '../components/Icon';
import { MintNumber } from '../components/MintNumber';
import { ShowcaseControls } from '../components/Showcase';
import { StoryView } from '../components/Story';
import { PhotoImage } from '../components/PhotoImage';
import { ScreenTitle, formatDate } from '../components/Screen';
import { ErrorState, Loading, Notice, errorText } from '../components/States';
import { UserChip } from '../components/UserChip';
import { useApiQuery } from '../hooks/useApiQuery';
import { keys } from '../data/queries';
import { formatNumber } from '../i18n';
import { navigate } from '../routing/navigation';
import { useLiveEvents } from '../state/live';
import { useMe, useSession } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';
import { shareLink } from '../components/QrCode';
import { useClosingConfirmation } from '../components/PrimaryAction';

function EditForm({ photo, onSaved, onCancel }: { photo: Photo; onSaved: (p: Photo) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(photo.title);
  const [description, setDescription] = useState(photo.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useClosingConfirmation(title !== photo.title || description !== (photo.description ?? ''));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await photosApi.update(photo.id, { title: title.trim(), description: description.trim() }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="card-surface">
      {error && <Notice kind="danger">{error}</Notice>}
      <div className="mb-2">
        <label className="form-label small" htmlFor="edit-title">{t('photo.titleLabel')}</label>
        <input id="edit-title" className="form-control" value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="mb-3">
        <label className="form-label small" htmlFor="edit-desc">{t('photo.descriptionLabel')}</label>
        <textarea id="edit-desc" className="form-control" rows={3} value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="d-flex gap-2">
        <Button type="submit" loading={busy} disabled={!title.trim()}>{t('common.save')}</Button>
        <Button type="button" mode="secondary" onClick={onCancel}>{t('common.cancel')}</Button>
      </div>
    </form>
  );
}

/**
 * Share the object's own page (`/photos/{id}`): in a chat it unfolds into a card with its picture,
 * title, number and owner (the backend's Open Graph tags). Through the host's sheet (a rich card
 * through the bot in Telegram); where there is none, the link is copied.
 */
function SharePhoto({ photo }: { photo: Photo }) {
  const { t, i18n } = useTranslation();
  const { host } = useSession();
  const [copied, setCopied] = useState(false);
  const link = `${window.location.origin}/photos/${photo.id}`;
  const text = `${photo.title} · ${t('photo.mintNumber', { n: formatNumber(photo.mint_number) })}`;
  const share = async () => {
    host.haptic.impact('light');
    if (host.share || host.shareMessage) return shareLink(host, link, text, i18n.language);
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Button mode="secondary" onClick={() => void share()} data-share-link={link}>
      {copied ? t('common.copied') : t('common.share')}
    </Button>
  );
}

/** One art object: preview, people, provenance, favourite, and what you may do with it. */
export default function PhotoScreen() {
  const { t } = useTranslation();
  const id = Number(useParams<{ id: string }>().id);
  const me = useMe();
  const { host } = useSession();
  // The tile that was tapped hands over what it knows: the screen renders at once.
  const fromTile = useHistoryState<{ photo?: Partial<Photo> & { id: number } } | null>()?.photo;
  const photo = useApiQuery(keys.photo(id), (signal) => photosApi.get(id, signal));
  const story = useApiQuery(keys.story(id), (signal) => photosApi.story(id, signal));
  const [editing, setEditing] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const [message, setMessage] = useState<{ kind: 'danger' | 'success'; text: string } | null>(null);
  const [favBusy, setFavBusy] = useState(false);

  // Edits, owner changes and the favourite count arrive through the shared cache (data/liveCache.ts).
  useLiveEvents(['photo.deleted'], (e) => e.data.id === id && setDeleted(true));

  if (deleted) return <ErrorState error={new ApiError(404, null)} />;
  const early = fromTile && fromTile.id === id ? fromTile : null;
  if (photo.error && !photo.data) return <ErrorState error={photo.error} onRetry={photo.reload} />;
  if (!photo.data && !early) return <Loading />;
  const p = (photo.data ?? early) as Partial<Photo> & { id: number; title: string };
  const full = photo.data;
  const isOwner = full ? full.owner.id === me.id : false;
  const favCount = formatNumber(full?.favorites_count ?? 0);

  const toggleFavorite = async () => {
    if (!full) return;
    setFavBusy(true);
    try {
      const s = await photosApi.favorite(full.id, !full.is_favorite);
      host.haptic.selection();
      photo.setData((prev) => prev && { ...prev, ...s });
    } catch (err) {
      host.haptic.notify('error');
      setMessage({ kind: 'danger', text: errorText(err) });
    } finally {
      setFavBusy(false);
    }
  };

  const remove = async () => {
    if (!full || !window.confirm(t('photo.deleteConfirm', { title: full.title }))) return;
    try {
      await photosApi.remove(full.id);
      host.haptic.notify('success');
      navigate('/me', { replace: true });
    } catch (err) {
      host.haptic.notify('error');
      setMessage({
        kind: 'danger',
        text: err instanceof ApiError && err.status === 409 ? errorText(err, { '409': 'photo.notDeletable' }) : errorText(err),
      });
    }
  };

  return (
    <div className="row g-3">
      <div className="col-12 col-lg-7">
        <PhotoImage
          src={full?.preview_url ?? p.thumb_url ?? ''}
          alt={p.title}
          placeholder={p.placeholder}
          color={p.dominant_color}
          ratio={p.width && p.height ? p.width / p.height : 1}
          className="photo-preview"
          eager
        />
      </div>
      <div className="col-12 col-lg-5">
        <ScreenTitle
          actions={
            full && (
              <Button
                mode={full.is_favorite ? 'primary' : 'secondary'}
                appearance={full.is_favorite ? 'negative' : 'neutral'}
                loading={favBusy}
                onClick={toggleFavorite}
                aria-pressed={Boolean(full.is_favorite)}
                iconBefore={<Icon name="heart" size={18} filled={Boolean(full.is_favorite)} />}
              >
                {/* The name comes from the content, so it holds the visible count (WCAG 2.5.3). */}
                <span className="visually-hidden">{full.is_favorite ? t('photo.favoriteRemove') : t('photo.favoriteAdd')} </span>
                {favCount}
              </Button>
            )
          }
        >
          {p.title}
        </ScreenTitle>
        {'mint_number' in p && typeof p.mint_number === 'number' && (
          <p className="text-secondary mb-2">
            <MintNumber n={p.mint_number} />
          </p>
        )}
        {p.description && <p className="mb-3" style={{ whiteSpace: 'pre-wrap' }}>{p.description}</p>}
        {message && <Notice kind={message.kind} onClose={() => setMessage(null)}>{message.text}</Notice>}

        {p.owner && p.creator && (
          <div className="card-surface d-flex flex-wrap gap-3 justify-content-between">
            <UserChip user={p.owner} label={t('photo.owner')} />
            <UserChip user={p.creator} label={t('photo.creator')} />
          </div>
        )}

        {!full ? (
          <Loading label={t('photo.loadingDetails')} />
        ) : editing ? (
          <EditForm
            photo={full}
            onCancel={() => setEditing(false)}
            onSaved={(np) => {
              host.haptic.notify('success');
              photo.setData((prev) => prev && { ...prev, ...np });
              setEditing(false);
            }}
          />
        ) : (
          <>
            <div className="d-flex flex-wrap gap-2 mb-3">
              {isOwner ? (
                <>
                  <ButtonLink href={`/photos/${full.id}/transfer`} iconBefore={<Icon name="send" size={18} />}>{t('photo.transfer')}</ButtonLink>
                  <Button mode="secondary" onClick={() => setEditing(true)}>{t('photo.edit')}</Button>
                  {full.creator.id === me.id && (
                    <Button mode="tertiary" appearance="negative" onClick={remove}>{t('photo.delete')}</Button>
                  )}
                </>
              ) : (
                <ButtonLink href={`/trades/new?to=${full.owner.id}&want=${full.id}`} iconBefore={<Icon name="trades" size={18} />}>{t('photo.proposeTrade')}</ButtonLink>
              )}
              <SharePhoto photo={full} />
            </div>
            {isOwner && <ShowcaseControls photo={full} onChange={(np) => photo.setData((prev) => prev && { ...prev, ...np })} />}
          </>
        )}

        <div className="card-surface">
          <h2 className="h6 mb-3">{t('story.title')}</h2>
          {story.loading && !story.data ? (
            <Loading label={t('story.loading')} />
          ) : story.error || !story.data ? (
            <ErrorState error={story.error} onRetry={story.reload} />
          ) : (
            <StoryView story={story.data} showNumber={false} showAuthor={false} viewerId={me.id} onChanged={story.reload} />
          )}
        </div>
        {full && (
          <div className="small text-secondary">
            {t('photo.meta', { width: full.width, height: full.height, mime: full.mime.split('/').pop()!.toUpperCase(), date: formatDate(full.created_at) })}
          </div>
        )}
      </div>
    </div>
  );
}
