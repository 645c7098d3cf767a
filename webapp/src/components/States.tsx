import { Button, Spinner } from '@maxhub/max-ui';
import type { ReactNode } from 'react';
import { useTranslation } from '../i18n';
import { ApiError } from '../api/client';
import { errorText } from '../i18n/errors';
import { isChunkLoadError } from '../routing/lazyScreen';
import { Icon, type IconName } from './Icon';

export { errorText };

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state-block" role="status" aria-live="polite">
      <Spinner size={28} appearance="themed" />
      <div className="state-text">{label ?? t('app.loading')}</div>
    </div>
  );
}

export function EmptyState({
  icon = 'image',
  title,
  children,
  action,
}: {
  icon?: IconName;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="state-block">
      <div className="state-icon">
        <Icon name={icon} size={32} />
      </div>
      <div className="state-title">{title}</div>
      {children && <div className="state-text">{children}</div>}
      {action && <div className="mt-3">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  // No connection: a request that could not be sent, or a screen's code that could not be fetched.
  const chunk = isChunkLoadError(error);
  const offline = chunk || (error instanceof ApiError && error.status === 0);
  return (
    <div className="state-block" role="alert">
      <div className="state-icon text-danger">
        <Icon name="alert" size={32} />
      </div>
      <div className="state-title">{offline ? t('states.offlineTitle') : t('states.error')}</div>
      <div className="state-text">{chunk ? t('states.offlineText') : errorText(error)}</div>
      {onRetry && (
        <div className="mt-3">
          <Button mode="secondary" onClick={onRetry}>
            {offline ? t('states.offlineRetry') : t('common.tryAgain')}
          </Button>
        </div>
      )}
    </div>
  );
}

/** An inline, dismissable message (success, error, info). */
export function Notice({
  kind,
  children,
  onClose,
}: {
  kind: 'success' | 'danger' | 'info' | 'warning';
  children: ReactNode;
  onClose?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className={`alert alert-${kind} d-flex align-items-start gap-2 py-2`} role={kind === 'danger' ? 'alert' : 'status'}>
      <div className="flex-grow-1">{children}</div>
      {onClose && <button type="button" className="btn-close" aria-label={t('common.close')} onClick={onClose} />}
    </div>
  );
}
