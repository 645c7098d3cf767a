import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Trans, useTranslation } from '../i18n';
import { Link } from 'wouter';
import { transfersApi, type ProvenanceEntry, type Story } from '../api';
import { formatDate } from '../i18n';
import { MintNumber } from './MintNumber';
import { errorText } from './States';
import { keys } from '../data/queries';
import '../styles/collector.css';

/** A party of provenance: a link to them, or "a private collector" and nothing more. */
function Party({ user }: { user: ProvenanceEntry['to_user'] }) {
  const { t } = useTranslation();
  return user ? <Link href={`/users/${user.id}`}>{user.display_name}</Link> : <>{t('photo.privateCollector')}</>;
}

/** A giver's note as its provenance keeps it (absent when its recipient hid it from this viewer).
 * Its recipient, reading their own object's story, hides it from others or shows it again. */
function EntryNote({ entry, viewerId, onChanged }: { entry: ProvenanceEntry; viewerId?: number; onChanged?: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!entry.note) return null;
  const transferId = entry.transfer_id;
  const mine = viewerId !== undefined && entry.to_user?.id === viewerId && transferId !== null;
  const toggle = async () => {
    if (transferId === null) return;
    setBusy(true);
    setError(null);
    try {
      await transfersApi.setNoteHidden(transferId, !entry.note_hidden);
      void qc.invalidateQueries({ queryKey: keys.transfers }); // the Gifts list shows the same switch
      onChanged?.();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <figure className="gift-note mb-0 mt-1" data-testid="provenance-note">
      <blockquote className="mb-0">{entry.note}</blockquote>
      {entry.note_hidden && <figcaption className="small text-secondary">{t('note.hiddenState')}</figcaption>}
      {mine && (
        <button type="button" className="btn btn-link p-0 tap-link" disabled={busy} onClick={() => void toggle()} aria-pressed={entry.note_hidden}>
          {entry.note_hidden ? t('note.show') : t('note.hide')}
        </button>
      )}
      {error && <div className="small text-danger">{error}</div>}
    </figure>
  );
}

/** Every change of owner, oldest first, as this viewer may see it. */
export function Provenance({ entries, viewerId, onChanged }: { entries: ProvenanceEntry[]; viewerId?: number; onChanged?: () => void }) {
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
                <Party user={h.from_user} /> → <Party user={h.to_user} />
              </>
            ) : h.to_user ? (
              <Trans i18nKey="photo.by" values={{ name: h.to_user.display_name }} components={[<Link href={`/users/${h.to_user.id}`} />]} />
            ) : (
              t('photo.privateCollector')
            )}
          </div>
          <EntryNote entry={h} viewerId={viewerId} onChanged={onChanged} />
          <div className="small text-secondary">{formatDate(h.created_at)}</div>
        </li>
      ))}
    </ol>
  );
}

/**
 * An object's story where it is met (claim preview, an incoming trade, the detail screen): its
 * number, author, when it was minted and the chain of owners — exactly its provenance as this
 * viewer may see it (a private owner is "a private collector", nothing more). `showNumber` and
 * `showAuthor` are off where the screen shows them already.
 */
export function StoryView({
  story,
  showNumber = true,
  showAuthor = true,
  viewerId,
  onChanged,
}: {
  story: Story;
  showNumber?: boolean;
  showAuthor?: boolean;
  /** The signed-in viewer: a note given to them can be hidden here (then `onChanged`). */
  viewerId?: number;
  onChanged?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="story" data-testid="story" data-mint-number={story.mint_number}>
      <dl className="story-facts">
        {showNumber && (
          <div>
            <dt>{t('story.number')}</dt>
            <dd>
              <MintNumber n={story.mint_number} />
            </dd>
          </div>
        )}
        {showAuthor && (
          <div>
            <dt>{t('story.author')}</dt>
            <dd>
              <Link href={`/users/${story.creator.id}`}>{story.creator.display_name}</Link>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('story.minted')}</dt>
          <dd>{formatDate(story.minted_at)}</dd>
        </div>
      </dl>
      <div className="small text-secondary mb-1">{t('story.owners')}</div>
      <Provenance entries={story.provenance} viewerId={viewerId} onChanged={onChanged} />
    </div>
  );
}
