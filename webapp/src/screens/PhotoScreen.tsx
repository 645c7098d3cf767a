import { Button } from '@maxhub/max-ui';
import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { useHistoryState } from 'wouter/use-browser-location';
import { ApiError, photosApi, type ProvenanceEntry, type Photo } from '../api';
import { Icon } from '../components/Icon';
import { MintNumber } from '../components/MintNumber';
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
import { useClosingConfirmation } from '../components/PrimaryAction';

/** A party of provenance: a link to them, or "a private collector" and nothing more. */
function Party({ user }: { user: ProvenanceEntry['to_user'] }) {
  const { t } = useTranslation();
  return user ? <Link href={`/users/${user.id}`}>{user.display_name}</Link> : <>{t('photo.privateCollector')}</>;
}

function Provenance({ entries }: { entries: ProvenanceEntry[] }) {
  const { t } = useTranslation();
  return (
    <ol className="timeline" aria-label={t('photo.provenance')}>
      {entries.map((h) => (
        <li key={h.id}>
          <div className="fw-semibold">
            {t(`photo.reason.${h.reason}`)}
            {h.trade_id && (
              <>
                {' '}
                <Trans i18nKey="photo.inTrade" values={{ id: h.trade_id }} components={[<Link href={`/trades/${h.trade_id}`} />]} />
              </>
            )}
          </div>
          <div className="small">
            {h.from_user || h.from_private ? (
              <>
                {h.from_user ? h.from_user.display_name : t('photo.privateCollector')} → <Party user={h.to_user} />
              </>
            ) : h.to_user ? (
              <Trans i18nKey="photo.by" values={{ name: h.to_user.display_name }} components={[<Link href={`/users/${h.to_user.id}`} />]} />
            ) : (
              t('photo.privateCollector')
            )}
          </div>
          <div className="small text-secondary">{formatDate(h.created_at)}</div>
        </li>
      ))}
    </ol>
  );
}

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

/** One art object: preview, people, provenance, favourite, and what you may do with it. */
export default function PhotoScreen() {
  const { t } = useTranslation();
  const id = Number(useParams<{ id: string }>().id);
  const me = useMe();
  const { host } = useSession();
  // The tile that was tapped hands over what it knows: the screen renders at once.
  const fromTile = useHistoryState<{ photo?: Partial<Photo> & { id: number } } | null>()?.photo;
  const photo = useApiQuery(keys.photo(id), (signal) => photosApi.get(id, signal));
  const history = useApiQuery(keys.history(id), (signal) => photosApi.history(id, signal));
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
                aria-label={full.is_favorite ? t('photo.favoriteRemove', { count: favCount }) : t('photo.favoriteAdd', { count: favCount })}
                iconBefore={<Icon name="heart" size={18} filled={Boolean(full.is_favorite)} />}
              >
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
          </div>
        )}

        <div className="card-surface">
          <h2 className="h6 mb-3">{t('photo.provenance')}</h2>
          {history.loading && !history.data ? (
            <Loading />
          ) : history.error ? (
            <ErrorState error={history.error} onRetry={history.reload} />
          ) : (
            <Provenance entries={history.data ?? []} />
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
