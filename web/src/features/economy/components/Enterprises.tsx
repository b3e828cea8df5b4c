import { useState, type FormEvent } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { ApiError } from '../../../lib/http.ts';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { importCapacities, listEnterprises, readiness } from '../api.ts';
import { EconomyTabs } from './EconomyTabs.tsx';

const MEASURES = ['enterprises', 'vehiclesDeclared', 'vehiclesTasked', 'vehiclesFree', 'fuelTonnesPerDay', 'tasksOpen', 'requisitionsOpen', 'compensationOutstandingTenge'] as const;

/** CSV upload: every problem is listed by line and field, and nothing is written unless every line is good. */
function CapacityImport({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    try {
      const r = await importCapacities(csv);
      setResult(t('economy.imported', { lines: r.lines, enterprises: r.enterprises }));
      onDone();
    } catch (x) {
      setError(x);
    }
  };
  const issues = error instanceof ApiError && error.code === 'ECONOMY_IMPORT_INVALID' ? (error.details.issues as { line: number; field: string; reason: string }[]) : null;
  return (
    <form className="card" onSubmit={submit} aria-label={t('economy.import')}>
      <h2>{t('economy.import')}</h2>
      <p className="muted">{t('economy.importHint')}</p>
      <input type="file" accept=".csv,text/csv" aria-label={t('economy.import')} onChange={async (e) => setCsv((await e.target.files?.[0]?.text()) ?? '')} />
      <textarea aria-label="CSV" rows={5} style={{ width: '100%', fontFamily: 'monospace' }} value={csv} onChange={(e) => setCsv(e.target.value)} />
      {issues ? <ul className="error" role="alert">{issues.map((i) => <li key={`${i.line}-${i.field}`}>{t('economy.importLine', i)}</li>)}</ul> : <ErrorNote error={error} />}
      {result && <p role="status">{result}</p>}
      <button type="submit" disabled={!csv.trim()}>{t('economy.importButton')}</button>
    </form>
  );
}

/** The enterprises the user may see (an enterprise officer: their own), and readiness by region. */
export function Enterprises({ user }: { user: StaffUser }) {
  const { t, v, num } = useI18n();
  const names = useNames();
  const list = usePoll(listEnterprises, 0, []);
  const ready = usePoll(readiness, 0, []);
  return (
    <section>
      <h1>{t('economy.enterprises')}</h1>
      <EconomyTabs user={user} />
      <ErrorNote error={list.error} />
      {list.data && list.data.enterprises.length === 0 && <p className="muted">{t('economy.noEnterprises')}</p>}
      {list.data && list.data.enterprises.length > 0 && (
        <table className="data" aria-label={t('economy.enterprises')}>
          <thead>
            <tr><th>{t('economy.bin')}</th><th>{t('economy.name')}</th><th>{t('economy.region')}</th><th>{t('economy.sector')}</th>{(['vehicles', 'fuel', 'production', 'buildings'] as const).map((k) => <th key={k} className="num">{v('economyKind', k)}</th>)}<th className="num">{t('economy.openTasks')}</th></tr>
          </thead>
          <tbody>
            {list.data.enterprises.map((e) => (
              <tr key={e.bin}>
                <td>{e.bin}</td>
                <td><Link to={`/economy/enterprises/${e.bin}`}>{e.name}</Link></td>
                <td>{names.region(e.region)}</td>
                <td>{v('sector', e.sector)}</td>
                <td className="num">{num(e.declared.vehicles)}</td>
                <td className="num">{num(e.declared.fuel)}</td>
                <td className="num">{num(e.declared.production)}</td>
                <td className="num">{num(e.declared.buildings)}</td>
                <td className="num">{num(e.openTasks)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can(user, 'economyCapacity') && <CapacityImport onDone={list.reload} />}
      <h2>{t('economy.readiness')}</h2>
      <ErrorNote error={ready.error} />
      {ready.data && (
        <table className="data" aria-label={t('economy.readiness')}>
          <thead><tr><th>{t('economy.region')}</th>{MEASURES.map((m) => <th key={m} className="num">{t(`economyMeasure.${m}` as Key)}</th>)}</tr></thead>
          <tbody>
            {ready.data.regions.filter((r) => r.measures.enterprises || r.measures.requisitionsOpen).map((r) => (
              <tr key={r.region}><td>{names.region(r.region)}</td>{MEASURES.map((m) => <td key={m} className="num">{num(r.measures[m] ?? 0)}</td>)}</tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
