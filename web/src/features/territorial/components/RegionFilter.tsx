import { useI18n } from '../../../i18n/index.tsx';
import { useNames } from '../../../lib/reference.ts';
import type { StaffUser } from '../../auth/api.ts';

/** The region to show, for those not confined to one (a regional or district officer sees their own only). */
export function RegionFilter({ user, region, onChange }: { user: StaffUser; region: string; onChange: (iso: string) => void }) {
  const { t } = useI18n();
  const names = useNames();
  if (user.region) return null;
  return (
    <label>
      {t('dashboard.region')}{' '}
      <select value={region} onChange={(e) => onChange(e.target.value)} aria-label={t('dashboard.region')}>
        <option value="">{t('registry.allRegions')}</option>
        {names.ref?.regions.map((r) => <option key={r.iso} value={r.iso}>{names.region(r.iso)}</option>)}
      </select>
    </label>
  );
}
