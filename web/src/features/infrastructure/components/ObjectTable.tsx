import { useState } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import type { StaffUser } from '../../auth/api.ts';
import { OBJECT_KINDS, listObjects } from '../api.ts';

/** Critical objects by region and kind; a regional or district officer's list is their area's only. */
export function ObjectTable({ user }: { user: StaffUser }) {
  const { t, v, num } = useI18n();
  const names = useNames();
  const [region, setRegion] = useState('');
  const [kind, setKind] = useState('');
  const { data, error } = usePoll(() => listObjects({ region, kind }), 0, [region, kind]);
  return (
    <>
      <div className="toolbar">
        {!user.region && (
          <label>
            {t('infra.region')}
            <select name="region" value={region} onChange={(e) => setRegion(e.target.value)}>
              <option value="">{t('infra.allRegions')}</option>
              {names.ref?.regions.map((r) => <option key={r.iso} value={r.iso}>{names.region(r.iso)}</option>)}
            </select>
          </label>
        )}
        <label>
          {t('infra.kind')}
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('infra.allKinds')}</option>
            {OBJECT_KINDS.map((k) => <option key={k} value={k}>{v('infra.kind', k)}</option>)}
          </select>
        </label>
        {data && <span className="muted">{t('infra.count', { n: num(data.objects.length) })}</span>}
      </div>
      <ErrorNote error={error} />
      {data && data.objects.length === 0 && <p className="muted">{t('infra.none')}</p>}
      {data && data.objects.length > 0 && (
        <div className="scroll">
          <table className="data" aria-label={t('infra.tab.objects')}>
            <thead>
              <tr><th>{t('infra.code')}</th><th>{t('infra.name')}</th><th>{t('infra.kind')}</th><th>{t('infra.region')}</th><th>{t('infra.district')}</th><th>{t('infra.operator')}</th><th>{t('infra.criticality')}</th></tr>
            </thead>
            <tbody>
              {data.objects.map((o) => (
                <tr key={o.id}>
                  <td className="mono">{o.code}</td>
                  <td>{o.name}</td>
                  <td>{v('infra.kind', o.kind)}</td>
                  <td>{names.region(o.region)}</td>
                  <td>{o.district ?? '—'}</td>
                  <td className="mono">{o.operatorBin}</td>
                  <td>{o.criticality} · {v('infra.criticality', String(o.criticality))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
