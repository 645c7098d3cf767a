import { SearchInput } from '@maxhub/max-ui';
import { useEffect, useState } from 'react';
import { useTranslation } from '../i18n';
import { usersApi, type UserSummary } from '../api';
import { useSession } from '../state/session';
import { errorText } from './States';
import { UserAvatar } from './UserChip';

/**
 * Choose a person by name or username (`GET /api/users?q=`); with nothing typed it lists
 * the people one dealt with recently. Never asks for a numeric id.
 */
export function PeoplePicker({
  value,
  onChange,
  excludeId,
  label,
}: {
  value: UserSummary | null;
  onChange: (u: UserSummary | null) => void;
  excludeId?: number;
  label: string;
}) {
  const { t } = useTranslation();
  const { host } = useSession();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<UserSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      usersApi.search(q.trim(), ctrl.signal).then(
        (res) => {
          setItems(res.items.filter((u) => u.id !== excludeId));
          setError(null);
        },
        (err) => {
          if ((err as Error).name !== 'AbortError') setError(errorText(err));
        },
      );
    }, q ? 250 : 0);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [q, excludeId]);

  return (
    <div className="people-picker">
      <label className="form-label" htmlFor="people-q">{label}</label>
      <SearchInput id="people-q" placeholder={t('transfer.searchPeople')} value={q} onChange={(e) => setQ(e.target.value)} aria-label={t('transfer.searchPeople')} />
      {!q.trim() && items && items.length > 0 && <div className="small text-secondary mt-2">{t('transfer.recent')}</div>}
      {error && <div className="small text-danger mt-2">{error}</div>}
      {items && items.length === 0 && q.trim() && <div className="small text-secondary mt-2">{t('transfer.noPeople')}</div>}
      <ul className="people-list" role="listbox" aria-label={label}>
        {/* The picked person stays listed (first) whatever the search shows. */}
        {(value && !(items ?? []).some((u) => u.id === value.id) ? [value, ...(items ?? [])] : items ?? []).map((u) => {
          const on = value?.id === u.id;
          return (
            <li key={u.id} role="none">
              <button
                type="button"
                role="option"
                aria-selected={on}
                className={`people-item${on ? ' selected' : ''}`}
                data-user-id={u.id}
                onClick={() => {
                  host.haptic.selection();
                  onChange(on ? null : u);
                }}
              >
                <UserAvatar user={u} size={32} />
                <span className="flex-grow-1 text-start">{u.display_name}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
