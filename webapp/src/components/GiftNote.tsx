import type { ReactNode } from 'react';
import { useTranslation } from '../i18n';
import { formatNumber } from '../i18n';
import '../styles/collector.css';

/** The backend's limit on a giver's note (422 `note_too_long` past it), in characters. */
export const NOTE_MAX = 280;

/** Characters as the backend counts them (code points: an emoji is one, not two). */
export function noteLength(note: string): number {
  return Array.from(note.trim()).length;
}

export function noteTooLong(note: string): boolean {
  return noteLength(note) > NOTE_MAX;
}

/** The giver's optional note on a direct gift or a claim code, counted and checked as typed. */
export function NoteField({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const count = noteLength(value);
  const over = count > NOTE_MAX;
  return (
    <div className="mb-2 note-field">
      <label className="form-label small" htmlFor={id}>{t('note.label')}</label>
      <textarea
        id={id}
        className={`form-control${over ? ' is-invalid' : ''}`}
        rows={2}
        value={value}
        placeholder={t('note.placeholder')}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={over}
        aria-describedby={`${id}-count`}
      />
      <div id={`${id}-count`} className={`small text-end ${over ? 'text-danger' : 'text-secondary'}`} aria-live="polite">
        {over
          ? t('note.tooLong', { max: formatNumber(NOTE_MAX), count: formatNumber(count) })
          : t('note.count', { count: formatNumber(count), max: formatNumber(NOTE_MAX) })}
      </div>
    </div>
  );
}

/** A note as its recipient sees it: the giver's words, attributed. */
export function GiftNote({ note, giver, children }: { note: string; giver: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <figure className="gift-note text-start mt-2 mb-0" data-testid="gift-note">
      <figcaption className="small text-secondary">{t('note.fromGiver', { name: giver })}</figcaption>
      <blockquote className="mb-0">{note}</blockquote>
      {children}
    </figure>
  );
}
