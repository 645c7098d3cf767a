import { useTranslation } from '../i18n';
import { formatNumber } from '../i18n';

/** An art object's permanent mint number: "№ 1 234" in Russian, "No. 1,234" in English. */
export function MintNumber({ n, className = 'mint-number' }: { n: number; className?: string }) {
  const { t } = useTranslation();
  return <span className={className}>{t('photo.mintNumber', { n: formatNumber(n) })}</span>;
}
