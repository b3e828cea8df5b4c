import { useI18n } from '../../../i18n/index.tsx';
import { Link } from '../../../lib/Link.tsx';
import { can, type StaffUser } from '../../auth/api.ts';

/** The economic tier's three sections. */
export function EconomyTabs({ user }: { user: StaffUser }) {
  const { t } = useI18n();
  return (
    <p className="actions" aria-label={t('economy.nav')}>
      <Link to="/economy">{t('economy.enterprises')}</Link>
      <Link to="/economy/tasks">{t('economy.tasks')}</Link>
      {can(user, 'economyRequisitionRead') && <Link to="/economy/requisitions">{t('economy.requisitions')}</Link>}
      {can(user, 'economyRequisition') && <Link to="/economy/requisitions/new" className="button">{t('economy.newRequisition')}</Link>}
    </p>
  );
}
