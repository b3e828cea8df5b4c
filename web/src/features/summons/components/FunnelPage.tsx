import { useState } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { navigate, useLocation } from '../../../lib/router.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { listPlans } from '../../callup/api.ts';
import { funnel, funnelSummonses, STAGES, type FunnelCounts, type FunnelRow } from '../api.ts';

export const POLL_MS = 2000;

function Bars({ c }: { c: FunnelCounts }) {
  const { t, num } = useI18n();
  return (
    <div className="funnel" aria-label={t('funnel.title')}>
      {STAGES.map((s) => (
        <div key={s} className="stage" data-stage={s}>
          <span className="label">{t(`stage.${s}` as Key)}</span>
          <span className="bar">
            <span style={{ width: `${c.issued ? (100 * c[s]) / c.issued : 0}%` }} />
          </span>
          <strong className="count" data-testid={`stage-${s}`}>{num(c[s])}</strong>
        </div>
      ))}
      <p className="muted">
        {t('funnel.others', { excused: num(c.excused), referred: num(c.referred), pending: num(c.reasonPending) })}
      </p>
    </div>
  );
}

/**
 * Summons tracking: for one plan, how many summonses were sent, delivered, duly notified and answered by an
 * appearance, per district — reloaded every two seconds while dispatch and receipts go on — and, for a district
 * picked from the table, the summonses themselves.
 */
export function FunnelPage() {
  const { t, v, num, dateTime } = useI18n();
  const names = useNames();
  const { query } = useLocation();
  const plan = query.get('plan') ?? '';
  const [area, setArea] = useState<FunnelRow | null>(null);
  const [page, setPage] = useState(1);
  const plans = usePoll(listPlans, 0, []);
  const issued = (plans.data?.plans ?? []).filter((p) => p.status === 'issued');
  const chosen = plan || (issued[0] ? String(issued[0].id) : '');
  const { data, error } = usePoll(() => (chosen ? funnel({ plan: chosen }) : Promise.resolve(null)), POLL_MS, [chosen]);
  const list = usePoll(
    () => (area && chosen ? funnelSummonses({ plan: chosen, region: area.region, ...(area.district ? { district: area.district } : {}), page }) : Promise.resolve(null)),
    0,
    [chosen, area?.region, area?.district, page],
  );
  return (
    <section>
      <h1>{t('funnel.title')}</h1>
      <div className="toolbar">
        <label>
          {t('funnel.plan')}
          <select name="plan" value={chosen} onChange={(e) => { setArea(null); navigate(`/summonses?plan=${e.target.value}`); }}>
            {issued.length === 0 && <option value="">{t('funnel.noPlans')}</option>}
            {issued.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id} · {p.title}
              </option>
            ))}
          </select>
        </label>
        <span className="muted live">{t('funnel.live', { s: POLL_MS / 1000 })}</span>
      </div>
      <ErrorNote error={error ?? plans.error} />
      {data && (
        <>
          <Bars c={data.totals} />
          <table className="data" aria-label={t('funnel.byArea')}>
            <thead>
              <tr>
                <th>{t('dashboard.region')}</th>
                <th>{t('registry.district')}</th>
                {STAGES.map((s) => (
                  <th key={s} className="num">{t(`stage.${s}` as Key)}</th>
                ))}
                <th className="num">{t('stage.reasonPending')}</th>
              </tr>
            </thead>
            <tbody>
              {data.areas.map((a) => (
                <tr key={`${a.region}/${a.district}`} className={area && area.region === a.region && area.district === a.district ? 'selected clickable' : 'clickable'} onClick={() => { setArea(a); setPage(1); }} data-district={a.district ?? ''}>
                  <td>{names.region(a.region)}</td>
                  <td>{a.district ?? '—'}</td>
                  {STAGES.map((s) => (
                    <td key={s} className="num">{num(a[s])}</td>
                  ))}
                  <td className="num">{num(a.reasonPending)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">{t('funnel.pickArea')}</p>
        </>
      )}
      {area && (
        <>
          <h2>
            {names.region(area.region)} {area.district ?? ''}{' '}
            <button className="link" onClick={list.reload}>{t('funnel.refresh')}</button>
          </h2>
          <ErrorNote error={list.error} />
          {list.data && (
            <table className="data" aria-label={t('funnel.summonses')}>
              <thead>
                <tr>
                  <th>№</th>
                  <th>{t('person.iin')}</th>
                  <th>{t('person.name')}</th>
                  <th>{t('funnel.channels')}</th>
                  <th>{t('funnel.appearance')}</th>
                  <th>{t('funnel.state')}</th>
                  <th>{t('stage.reasonPending')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.summonses.map((s) => (
                  <tr key={s.id} data-testid="summons-row" data-channels={s.channels.join(' ')}>
                    <td>{s.id}</td>
                    <td className="mono">{s.iin}</td>
                    <td>{s.name}</td>
                    <td>{s.channels.map((c) => v('channel', c)).join(', ')}</td>
                    <td>{dateTime(s.appearanceAt)}</td>
                    <td>{v('legal', s.legal)}</td>
                    <td>{s.reasonPending ? v('reason', s.reasonPending) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {list.data && list.data.total > list.data.pageSize && (
            <div className="pager">
              <button disabled={page <= 1} onClick={() => setPage(page - 1)}>
                {t('registry.prev')}
              </button>
              <span>{t('registry.page', { page, pages: Math.ceil(list.data.total / list.data.pageSize) })}</span>
              <button disabled={page * list.data.pageSize >= list.data.total} onClick={() => setPage(page + 1)}>
                {t('registry.next')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
