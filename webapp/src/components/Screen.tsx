import { useEffect, type ReactNode } from 'react';
import { useTranslation } from '../i18n';
import { formatDate } from '../i18n';
import { ShellTools } from './AppShell';

export { formatDate };

/** The page heading (and document title); actions sit on the right. */
export function ScreenTitle({ children, actions }: { children: string; actions?: ReactNode }) {
  const { t } = useTranslation();
  const app = t('app.name');
  useEffect(() => {
    document.title = `${children} · ${app}`;
  }, [children, app]);
  return (
    <div className="screen-title">
      <h1>{children}</h1>
      {actions && <div className="screen-title-actions">{actions}</div>}
      <ShellTools />
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`status-badge status-${status}`}>{t(`status.${status}`, { defaultValue: status })}</span>;
}

/** Bootstrap-free segmented control in the messenger style. */
export function Segmented<T extends string>({
  value,
  options,
  onChange,
  label,
}: {
  value: T;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
  label: string;
}) {
  return (
    <div className="segmented" role="tablist" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="tab"
          aria-selected={o.value === value}
          className={o.value === value ? 'active' : ''}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
