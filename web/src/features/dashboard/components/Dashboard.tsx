import { useMemo, useState } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { usePoll } from '../../../lib/usePoll.ts';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { MEASURES, readiness, type Measure } from '../api.ts';
import { RegionMap } from './RegionMap.tsx';

/** Readiness: a map of the regions coloured by one measure, and every measure per region in a table beside it. */
export function Dashboard() {
  const { t, num, lang } = useI18n();
  const [measure, setMeasure] = useState<Measure>('reserve');
  const [selected, setSelected] = useState<string | null>(null);
  const { data, error } = usePoll(readiness, 0, []);
  const names = useMemo(() => new Map((data?.regions ?? []).map((r) => [r.iso, r.name[lang]])), [data, lang]);
  const values = useMemo(() => new Map((data?.regions ?? []).map((r) => [r.iso, r[measure]])), [data, measure]);
  const label = (m: Measure) => t(`measure.${m}` as Key);
  return (
    <section className="dashboard">
      <h1>{t('dashboard.title')}</h1>
      <ErrorNote error={error} />
      <div className="toolbar">
        <label>
          {t('dashboard.measure')}
          <select name="measure" value={measure} onChange={(e) => setMeasure(e.target.value as Measure)}>
            {MEASURES.map((m) => (
              <option key={m} value={m}>
                {label(m)}
              </option>
            ))}
          </select>
        </label>
        {data && <span className="muted">{t('dashboard.asOf', { date: data.on, liable: data.ruleSets.liable, essential: data.ruleSets.essentialWorkers })}</span>}
      </div>
      {data && (
        <div className="split">
          <RegionMap values={values} names={names} selected={selected} onSelect={setSelected} measureName={label(measure)} />
          <div className="scroll">
            <table className="data" aria-label={t('dashboard.tableLabel')}>
              <thead>
                <tr>
                  <th>{t('dashboard.region')}</th>
                  {MEASURES.map((m) => (
                    <th key={m} className={m === measure ? 'num chosen' : 'num'}>
                      {label(m)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...data.regions]
                  .sort((a, b) => b[measure] - a[measure])
                  .map((r) => (
                    <tr key={r.iso} className={r.iso === selected ? 'selected' : ''} onClick={() => setSelected(r.iso)} data-iso={r.iso}>
                      <td>{r.name[lang]}</td>
                      {MEASURES.map((m) => (
                        <td key={m} className={m === measure ? 'num chosen' : 'num'}>
                          {num(r[m])}
                        </td>
                      ))}
                    </tr>
                  ))}
              </tbody>
              <tfoot>
                <tr>
                  <th>{t('dashboard.total')}</th>
                  {MEASURES.map((m) => (
                    <th key={m} className="num">
                      {num(data.totals[m])}
                    </th>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
