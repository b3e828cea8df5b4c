import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { ApiError } from '../../../lib/http.ts';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { KINDS, UNITS, assignTask, getEnterprise, setCapacity, type EnterpriseDetail } from '../api.ts';
import { EconomyTabs } from './EconomyTabs.tsx';
import { TaskTable } from './TaskTable.tsx';

type Kind = (typeof KINDS)[number];

function RegionSelect({ value, onChange, label }: { value: string; onChange: (v: string) => void; label: string }) {
  const names = useNames();
  return (
    <label>{label}
      <select value={value} onChange={(e) => onChange(e.target.value)} required>
        <option value="" />
        {names.ref?.regions.map((r) => <option key={r.iso} value={r.iso}>{names.region(r.iso)}</option>)}
      </select>
    </label>
  );
}

function CapacityForm({ e, onDone }: { e: EnterpriseDetail; onDone: () => void }) {
  const { t, v } = useI18n();
  const [f, setF] = useState({ kind: 'vehicles' as Kind, subtype: '', quantity: '', places: '', region: e.region ?? '', location: '' });
  const [error, setError] = useState<unknown>(null);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    try {
      await setCapacity({ bin: e.bin, kind: f.kind, subtype: f.subtype.trim(), quantity: Number(f.quantity), region: f.region, ...(f.places ? { places: Number(f.places) } : {}), ...(f.location.trim() ? { location: f.location.trim() } : {}) });
      setF({ ...f, subtype: '', quantity: '', places: '', location: '' });
      onDone();
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="card actions" onSubmit={submit} aria-label={t('economy.declare')}>
      <label>{t('economy.kind')}<select value={f.kind} onChange={(x) => setF({ ...f, kind: x.target.value as Kind })}>{KINDS.map((k) => <option key={k} value={k}>{v('economyKind', k)}</option>)}</select></label>
      <label>{t('economy.subtype')}<input required pattern="[a-z][a-z0-9_]*" placeholder="truck" value={f.subtype} onChange={(x) => setF({ ...f, subtype: x.target.value })} /></label>
      <label>{`${t('economy.quantity')}, ${UNITS[f.kind]}`}<input required type="number" min={0} value={f.quantity} onChange={(x) => setF({ ...f, quantity: x.target.value })} /></label>
      {f.kind === 'buildings' && <label>{t('economy.places')}<input type="number" min={0} value={f.places} onChange={(x) => setF({ ...f, places: x.target.value })} /></label>}
      <RegionSelect label={t('economy.region')} value={f.region} onChange={(region) => setF({ ...f, region })} />
      <label>{t('economy.location')}<input value={f.location} onChange={(x) => setF({ ...f, location: x.target.value })} /></label>
      <button type="submit">{t('economy.save')}</button>
      <ErrorNote error={error} />
    </form>
  );
}

function AssignForm({ e, onDone }: { e: EnterpriseDetail; onDone: () => void }) {
  const { t, v } = useI18n();
  const lines = [...new Map(e.capacities.map((c) => [`${c.kind}:${c.subtype}`, c])).values()];
  const [f, setF] = useState({ line: lines[0] ? `${lines[0].kind}:${lines[0].subtype}` : '', quantity: '', destination: e.region ?? '', dueDate: '', note: '' });
  const [error, setError] = useState<unknown>(null);
  if (lines.length === 0) return null;
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    const [kind, subtype] = f.line.split(':') as [string, string];
    try {
      await assignTask({ bin: e.bin, kind, subtype, quantity: Number(f.quantity), destination: f.destination, dueDate: f.dueDate, ...(f.note.trim() ? { note: f.note.trim() } : {}) });
      setF({ ...f, quantity: '', note: '' });
      onDone();
    } catch (x) {
      setError(x);
    }
  };
  const over = error instanceof ApiError && error.code === 'ECONOMY_OVER_COMMIT' ? (error.details as { free: number; asked: number }) : null;
  return (
    <form className="card actions" onSubmit={submit} aria-label={t('economy.assign')}>
      <label>{t('economy.subtype')}<select value={f.line} onChange={(x) => setF({ ...f, line: x.target.value })}>{lines.map((c) => <option key={`${c.kind}:${c.subtype}`} value={`${c.kind}:${c.subtype}`}>{v('economyKind', c.kind)}: {c.subtype}</option>)}</select></label>
      <label>{t('economy.quantity')}<input required type="number" min={1} value={f.quantity} onChange={(x) => setF({ ...f, quantity: x.target.value })} /></label>
      <RegionSelect label={t('economy.destination')} value={f.destination} onChange={(destination) => setF({ ...f, destination })} />
      <label>{t('economy.due')}<input required type="date" value={f.dueDate} onChange={(x) => setF({ ...f, dueDate: x.target.value })} /></label>
      <label>{t('economy.note')}<input value={f.note} onChange={(x) => setF({ ...f, note: x.target.value })} /></label>
      <button type="submit">{t('economy.assign')}</button>
      {over ? <p className="error" role="alert">{t('economy.overCommit', over)}</p> : <ErrorNote error={error} />}
    </form>
  );
}

/** One enterprise: what it declared (and how much of it tasks hold), its tasks, and the forms the user may use. */
export function EnterpriseView({ user, bin }: { user: StaffUser; bin: string }) {
  const { t, v, num, dateTime } = useI18n();
  const names = useNames();
  const { data: e, error, reload } = usePoll(() => getEnterprise(bin), 0, [bin]);
  if (error && !e) return <ErrorNote error={error} />;
  if (!e) return null;
  return (
    <section>
      <h1>{e.name}</h1>
      <EconomyTabs user={user} />
      <p className="muted">{t('economy.bin')} {e.bin} · {names.region(e.region)} · {v('sector', e.sector)}</p>
      <h2>{t('economy.capacities')}</h2>
      <table className="data" aria-label={t('economy.capacities')}>
        <thead><tr><th>{t('economy.kind')}</th><th>{t('economy.subtype')}</th><th className="num">{t('economy.quantity')}</th><th>{t('economy.unit')}</th><th className="num">{t('economy.committed')}</th><th className="num">{t('economy.places')}</th><th>{t('economy.region')}</th><th>{t('economy.location')}</th><th>{t('economy.when')}</th></tr></thead>
        <tbody>
          {e.capacities.map((c) => (
            <tr key={`${c.kind}-${c.subtype}-${c.region}`}>
              <td>{v('economyKind', c.kind)}</td><td>{c.subtype}</td><td className="num">{num(c.quantity)}</td><td>{c.unit}</td><td className="num">{num(c.committed)}</td>
              <td className="num">{c.places === null ? '—' : num(c.places)}</td><td>{names.region(c.region)}</td><td>{c.location ?? '—'}</td><td className="muted">{dateTime(c.updatedAt)} · {c.updatedBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {can(user, 'economyCapacity') && <CapacityForm e={e} onDone={reload} />}
      <h2>{t('economy.tasks')}</h2>
      {can(user, 'economyAssign') && <AssignForm e={e} onDone={reload} />}
      <TaskTable user={user} tasks={e.tasks} onChange={reload} />
    </section>
  );
}
