import { useI18n } from '../../../i18n/index.tsx';
import { Link } from '../../../lib/Link.tsx';

/** The three territorial-defence screens, one link each. */
export function TdTabs() {
  const { t } = useI18n();
  return (
    <p className="actions">
      <Link to="/td">{t('td.units')}</Link>
      <Link to="/td/protection">{t('td.protection')}</Link>
      <Link to="/td/evacuation">{t('td.evacuation')}</Link>
    </p>
  );
}
