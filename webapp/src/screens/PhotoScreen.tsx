import { Button } from '@maxhub/max-ui';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { ApiError, photosApi, type ProvenanceEntry, type Photo } from '../api';
import { Icon } from '../components/Icon';
import { PhotoImage } from '../components/PhotoImage';
import { ScreenTitle, formatDate } from '../components/Screen';
import { ErrorState, Loading, Notice, errorText } from '../components/States';
import { UserChip } from '../components/UserChip';
import { useAsync } from '../hooks/useAsync';
import type { OwnershipChanged } from '../hooks/useLivePhotoFeed';
import { navigate } from '../routing/navigation';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';

const REASON: Record<ProvenanceEntry['reason'], string> = {
  mint: 'Minted',
  transfer: 'Transferred',
  trade: 'Traded',
  admin: 'Reassigned by an admin',
};

function Provenance({ entries }: { entries: ProvenanceEntry[] }) {
  return (
    <ol className="timeline" aria-label="Provenance">
      {entries.map((h) => (
        <li key={h.id}>
          <div className="fw-semibold">
            {REASON[h.reason]}
            {h.trade_id && (
              <>
                {' '}
                in <Link href={`/trades/${h.trade_id}`}>trade #{h.trade_id}</Link>
              </>
            )}
          </div>
          <div className="small">
            {h.from_user ? (
              <>
                {h.from_user.display_name} → <Link href={`/users/${h.to_user.id}`}>{h.to_user.display_name}</Link>
              </>
            ) : (
              <>
                by <Link href={`/users/${h.to_user.id}`}>{h.to_user.display_name}</Link>
              </>
            )}
          </div>
          <div className="small text-secondary">{formatDate(h.created_at)}</div>
        </li>
      ))}
    </ol>
  );
}

function EditForm({ photo, onSaved, onCancel }: { photo: Photo; onSaved: (p: Photo) => void; onCancel: () => void }) {
  const [title, setTitle] = useState(photo.title);
  const [description, setDescription] = useState(photo.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
        <label className="form-label small" htmlFor="edit-title">Title</label>
        <input id="edit-title" className="form-control" value={title} maxLength={200} required onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="mb-3">
        <label className="form-label small" htmlFor="edit-desc">Description</label>
        <textarea id="edit-desc" className="form-control" rows={3} value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="d-flex gap-2">
        <Button type="submit" loading={busy} disabled={!title.trim()}>Save</Button>
        <Button type="button" mode="secondary" onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

/** One art object: preview, people, provenance, favorite, and what you may do with it. */
export default function PhotoScreen() {
  const id = Number(useParams<{ id: string }>().id);
  const me = useMe();
  const photo = useAsync(() => photosApi.get(id), [id]);
  const history = useAsync(() => photosApi.history(id), [id]);
  const [editing, setEditing] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const [message, setMessage] = useState<{ kind: 'danger' | 'success'; text: string } | null>(null);
  const [favBusy, setFavBusy] = useState(false);

  useLiveEvents(['photo.updated', 'photo.deleted', 'ownership.changed'], (e) => {
    const data = e.data as { id?: number } & Partial<OwnershipChanged>;
    if ((data.id ?? data.photo_id) !== id) return;
    if (e.type === 'photo.deleted') setDeleted(true);
    else {
      photo.reload();
      history.reload();
    }
  });

  if (deleted) return <ErrorState error={new ApiError(404, 'This photo was deleted.')} />;
  if (photo.loading && !photo.data) return <Loading />;
  if (photo.error || !photo.data) return <ErrorState error={photo.error} onRetry={photo.reload} />;
  const p = photo.data;
  const isOwner = p.owner.id === me.id;

  const toggleFavorite = async () => {
    setFavBusy(true);
    try {
      const s = await photosApi.favorite(p.id, !p.is_favorite);
      photo.setData((prev) => prev && { ...prev, ...s });
    } catch (err) {
      setMessage({ kind: 'danger', text: errorText(err) });
    } finally {
      setFavBusy(false);
    }
  };

  const remove = async () => {
    if (!window.confirm(`Delete “${p.title}”? This cannot be undone.`)) return;
    try {
      await photosApi.remove(p.id);
      navigate('/me', { replace: true });
    } catch (err) {
      setMessage({
        kind: 'danger',
        text:
          err instanceof ApiError && err.status === 409
            ? 'It can no longer be deleted: only its creator may delete it, while still owning it and before it was ever traded.'
            : errorText(err),
      });
    }
  };

  return (
    <div className="row g-3">
      <div className="col-12 col-lg-7">
        <PhotoImage
          src={p.preview_url}
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
            <Button
              mode={p.is_favorite ? 'primary' : 'secondary'}
              appearance={p.is_favorite ? 'negative' : 'neutral'}
              size="small"
              loading={favBusy}
              onClick={toggleFavorite}
              aria-pressed={Boolean(p.is_favorite)}
              iconBefore={<Icon name="heart" size={18} filled={Boolean(p.is_favorite)} />}
            >
              {String(p.favorites_count)}
            </Button>
          }
        >
          {p.title}
        </ScreenTitle>
        {p.description && <p className="mb-3" style={{ whiteSpace: 'pre-wrap' }}>{p.description}</p>}
        {message && <Notice kind={message.kind} onClose={() => setMessage(null)}>{message.text}</Notice>}

        <div className="card-surface d-flex flex-wrap gap-3 justify-content-between">
          <UserChip user={p.owner} label="Owner" />
          <UserChip user={p.creator} label="Creator" />
        </div>

        {editing ? (
          <EditForm
            photo={p}
            onCancel={() => setEditing(false)}
            onSaved={(np) => {
              photo.setData((prev) => prev && { ...prev, ...np });
              setEditing(false);
            }}
          />
        ) : (
          <div className="d-flex flex-wrap gap-2 mb-3">
            {isOwner ? (
              <>
                <ButtonLink href={`/photos/${p.id}/transfer`} iconBefore={<Icon name="send" size={18} />}>Transfer</ButtonLink>
                <ButtonLink href={`/trades/new?give=${p.id}`} mode="secondary" iconBefore={<Icon name="trades" size={18} />}>Offer in a trade</ButtonLink>
                <Button mode="secondary" onClick={() => setEditing(true)}>Edit</Button>
                {p.creator.id === me.id && (
                  <Button mode="tertiary" appearance="negative" onClick={remove}>Delete</Button>
                )}
              </>
            ) : (
              <ButtonLink href={`/trades/new?to=${p.owner.id}&want=${p.id}`} iconBefore={<Icon name="trades" size={18} />}>Propose a trade</ButtonLink>
            )}
          </div>
        )}

        <div className="card-surface">
          <h2 className="h6 mb-3">Provenance</h2>
          {history.loading && !history.data ? (
            <Loading />
          ) : history.error ? (
            <ErrorState error={history.error} onRetry={history.reload} />
          ) : (
            <Provenance entries={history.data ?? []} />
          )}
        </div>
        <div className="small text-secondary">
          {p.width}×{p.height} · {p.mime} · added {formatDate(p.created_at)}
        </div>
      </div>
    </div>
  );
}
