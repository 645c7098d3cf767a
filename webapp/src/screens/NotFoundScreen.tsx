import { EmptyState } from '../components/States';
import { useTranslation } from '../i18n';
import { ButtonLink } from '../components/ButtonLink';

export default function NotFoundScreen() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon="alert"
      title={t('notFound.title')}
      action={
        <ButtonLink href="/">{t('notFound.home')}</ButtonLink>
      }
    >
      {t('notFound.text')}
    </EmptyState>
  );
}
