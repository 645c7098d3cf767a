import { Avatar } from '@maxhub/max-ui';
import { Link } from 'wouter';
import type { UserSummary } from '../api';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

/** Decorative: the name is always beside it or in its link's label (initials in the label would
 * not match it: WCAG 2.5.3). */
export function UserAvatar({ user, size = 32 }: { user: UserSummary; size?: number }) {
  return (
    <Avatar.Container size={size} form="circle" aria-hidden="true">
      {user.avatar_url ? (
        <Avatar.Image src={user.avatar_url} alt="" />
      ) : (
        <Avatar.Text gradient={(['red', 'orange', 'green', 'blue', 'purple'] as const)[user.id % 5]}>
          {initials(user.display_name) || '?'}
        </Avatar.Text>
      )}
    </Avatar.Container>
  );
}

/** Avatar + name, linking to the user's profile. */
export function UserChip({ user, label, size = 28 }: { user: UserSummary; label?: string; size?: number }) {
  return (
    <Link href={`/users/${user.id}`} className="user-chip">
      <UserAvatar user={user} size={size} />
      <span className="user-chip-text">
        {label && <span className="user-chip-label">{label}</span>}
        <span className="user-chip-name">{user.display_name}</span>
      </span>
    </Link>
  );
}
