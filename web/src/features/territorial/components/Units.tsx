import { useState } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { listUnits, proposeFill, type TdFill } from '../api.ts';
import { RegionFilter } from './RegionFilter.tsx';
import { TdTabs } from './TdTabs.tsx';

/**
 * Units per region with strength against target. Filling a unit shows the proposal first (the names are personal
 * data: the server audits the read) and adds them only when the officer confirms.
 */
export function Units({ user }: { user: StaffUser }) {
  const { t, v, num } = useI18n();
  const names = useNames();
  const [region, setRegion] = useState(user.region ?? '');
  const { data, error, reload } = usePoll(() => listUnits(region || undefined), 0, [region]);
  const [fill, setFill] = useState<TdFill>();
  const [failed, setFailed] = useState<unknown>();
  const act = async (id: number, apply: boolean) => {
    setFailed(undefined);
    try {
      const f = await proposeFill(id, apply);
      setFill(apply ? undefined : f);
      if (apply) reload();
    } catch (e) {
      setFailed(e);
    }
  };
  return (
    <section>
      <h1>{t('td.title')}</h1>
      <TdTabs />
      <RegionFilter user={user} region={region} onChange={setRegion} />
      <ErrorNote error={error ?? failed} />
      {data && data.units.length === 0 && <p className="muted">{t('td.noUnits')}</p>}
      {data && data.units.length > 0 && (
        <table className="data" aria-label={t('td.units')}>
          <thead>
            <tr>
              <th>{t('td.unit')}</th><th>{t('dashboard.region')}</th><th>{t('field.district')}</th><th>{t('td.kind')}</th>
              <th className="num">{t('td.strength')}</th><th className="num">{t('td.volunteers')}</th><th className="num">{t('td.guards')}</th><th />
            </tr>
          </thead>
          <tbody>
            {data.units.map((u) => (
              <tr key={u.id} className={u.members < u.strengthTarget ? 'short' : ''}>
                <td>{u.name}</td>
                <td>{names.region(u.region)}</td>
                <td>{u.district ?? t('td.wholeRegion')}</td>
                <td>{v('td.kind', u.kind)}</td>
                <td className="num">{num(u.members)} / {num(u.strengthTarget)} ({Math.floor((100 * u.members) / u.strengthTarget)} %)</td>
                <td className="num">{num(u.volunteers)}</td>
                <td className="num">{num(u.objectsGuarded)}</td>
                <td>{can(user, 'tdWrite') && u.members < u.strengthTarget && <button onClick={() => act(u.id, false)}>{t('td.propose')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {fill && (
        <div className="card" data-testid="td-fill">
          <h2>{t('td.proposalFor', { unit: fill.unit.name, n: fill.proposed.length, open: fill.open })}</h2>
          <p className="muted">{t('td.fillOrder')}</p>
          <table className="data">
            <thead><tr><th>IIN</th><th>{t('td.name')}</th><th>{t('field.district')}</th><th>{t('td.basis')}</th><th>{t('td.pool')}</th></tr></thead>
            <tbody>
              {fill.proposed.map((p) => (
                <tr key={p.iin}><td>{p.iin}</td><td>{p.lastName} {p.firstName}</td><td>{p.district ?? '—'}</td><td>{v('td.basis', p.basis)}</td><td>{v('td.pool', p.pool)}</td></tr>
              ))}
            </tbody>
          </table>
          <p className="actions">
            {fill.proposed.length > 0 && <button onClick={() => act(fill.unit.id, true)}>{t('td.apply', { n: fill.proposed.length })}</button>}
            <button className="link" onClick={() => setFill(undefined)}>{t('td.cancel')}</button>
          </p>
        </div>
      )}
    </section>
  );
}
