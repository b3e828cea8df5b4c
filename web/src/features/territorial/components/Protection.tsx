import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import type { StaffUser } from '../../auth/api.ts';
import { endProtection, getProtection } from '../api.ts';
import { RegionFilter } from './RegionFilter.tsx';
import { TdTabs } from './TdTabs.tsx';

/**
 * Who guards which critical object, and the objects of national importance (criticality 1) nobody guards. A guard is
 * stood down with a reason (refused while its guard task is not done).
 */
export function Protection({ user }: { user: StaffUser }) {
  const { t, num } = useI18n();
  const names = useNames();
  const [region, setRegion] = useState(user.region ?? '');
  const { data, error, reload } = usePoll(() => getProtection(region || undefined), 0, [region]);
  const [ending, setEnding] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [endError, setEndError] = useState<unknown>();
  const standDown = async (e: FormEvent) => {
    e.preventDefault();
    if (ending === null) return;
    setEndError(undefined);
    try {
      await endProtection(ending, reason);
      setEnding(null);
      setReason('');
      reload();
    } catch (err) {
      setEndError(err);
    }
  };
  return (
    <section>
      <h1>{t('td.protectionTitle')}</h1>
      <TdTabs />
      <RegionFilter user={user} region={region} onChange={setRegion} />
      <ErrorNote error={error} />
      {data && (
        <>
          <h2>{t('td.unprotected', { n: data.unprotected.length })}</h2>
          {data.unprotected.length === 0 ? <p className="ok">{t('td.allProtected')}</p> : (
            <table className="data" aria-label={t('td.unprotected', { n: data.unprotected.length })}>
              <thead><tr><th>{t('td.object')}</th><th>{t('td.objectKind')}</th><th>{t('dashboard.region')}</th><th>{t('field.district')}</th></tr></thead>
              <tbody>
                {data.unprotected.map((o) => <tr key={o.id} className="short"><td>{o.code} · {o.name}</td><td>{o.kind}</td><td>{names.region(o.region)}</td><td>{o.district ?? '—'}</td></tr>)}
              </tbody>
            </table>
          )}
          <h2>{t('td.assignments')}</h2>
          <ErrorNote error={endError} />
          {data.assignments.length === 0 ? <p className="muted">{t('td.noAssignments')}</p> : (
            <table className="data" aria-label={t('td.assignments')}>
              <thead><tr><th>{t('td.object')}</th><th>{t('td.criticality')}</th><th>{t('dashboard.region')}</th><th>{t('td.unit')}</th><th className="num">{t('td.shift')}</th><th /></tr></thead>
              <tbody>
                {data.assignments.map((g) => (
                  <tr key={g.id}>
                    <td>{g.objectCode} · {g.objectName}</td><td>{g.criticality}</td><td>{names.region(g.region)}</td><td>{g.unitName}</td><td className="num">{num(g.shiftStrength)}</td>
                    <td>
                      {ending === g.id ? (
                        <form className="inline" onSubmit={(e) => void standDown(e)}>
                          <input name="reason" aria-label={t('td.standDownReason')} placeholder={t('td.standDownReason')} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />
                          <button type="submit">{t('td.confirmStandDown')}</button>
                          <button type="button" className="link" onClick={() => setEnding(null)}>{t('td.cancel')}</button>
                        </form>
                      ) : (
                        <button className="link" onClick={() => { setEnding(g.id); setReason(''); setEndError(undefined); }}>{t('td.standDown')}</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
