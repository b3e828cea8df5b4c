import { useState } from 'react';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { SECTORS, approveReservations, listReservations, listTasks, personnelBySectorRegion } from '../api.ts';
import { useI18n } from '../../../i18n/index.tsx';

/** Essential personnel by sector × region, the civil tasks with their shortfall, and the reservations (pending ones approved here by a second officer). */
export function CivilPage({ user }: { user: StaffUser }) {
  // The civil screens' words are the dictionaries' `civil.*` entries; an unknown value shows as itself.
  const { v } = useI18n();
  const c = (key: string) => v('civil', key);
  const names = useNames();
  const counts = usePoll(personnelBySectorRegion, 30_000, []);
  const tasks = usePoll(listTasks, 10_000, []);
  const reservations = usePoll(() => (can(user, 'civilReservations') ? listReservations() : Promise.resolve({ reservations: [] })), 30_000, []);
  const [approveError, setApproveError] = useState<unknown>(null);
  const approve = async (id: number) => {
    setApproveError(null);
    try {
      await approveReservations([id]);
      reservations.reload();
    } catch (e) {
      setApproveError(e);
    }
  };
  const regions = [...new Set((counts.data?.rows ?? []).map((r) => r.keys.region as string))].sort();
  const cell = (sector: string, region: string) => counts.data?.rows.find((r) => r.keys.sector === sector && r.keys.region === region)?.count ?? 0;
  return (
    <section>
      <h1>{c('title')}</h1>
      <h2>{c('personnel')}</h2>
      <ErrorNote error={counts.error} />
      {counts.data && (
        <table className="data" aria-label={c('personnel')}>
          <thead><tr><th>{c('region')}</th>{SECTORS.map((s) => <th key={s}>{c(`sector.${s}`)}</th>)}<th>{c('total')}</th></tr></thead>
          <tbody>
            {regions.map((r) => (
              <tr key={r}><td>{names.region(r)}</td>{SECTORS.map((s) => <td key={s}>{cell(s, r)}</td>)}<td>{SECTORS.reduce((n, s) => n + cell(s, r), 0)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{c('tasks')}</h2>
      {can(user, 'civilWrite') && <p className="actions"><Link to="/civil/tasks/new" className="button">{c('newTask')}</Link></p>}
      <ErrorNote error={tasks.error} />
      {tasks.data && tasks.data.tasks.length === 0 && <p className="muted">{c('noTasks')}</p>}
      {tasks.data && tasks.data.tasks.length > 0 && (
        <table className="data" aria-label={c('tasks')}>
          <thead><tr><th>{c('task')}</th><th>{c('sector')}</th><th>{c('region')}</th><th>{c('due')}</th><th>{c('status')}</th><th>{c('quota')}</th><th>{c('filled')}</th><th>{c('shortfall')}</th></tr></thead>
          <tbody>
            {tasks.data.tasks.map((t) => (
              <tr key={t.id}><td><Link to={`/civil/tasks/${t.id}`}>{t.title}</Link></td><td>{c(`sector.${t.sector}`)}</td><td>{names.region(t.region)}</td><td>{t.dueDate}</td><td>{c(`status.${t.status}`)}</td><td>{t.quota}</td><td>{t.filled ?? '—'}</td><td>{t.shortfall ?? '—'}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {can(user, 'civilReservations') && (
        <>
          <h2>{c('reservations')}</h2>
          <ErrorNote error={reservations.error} />
          <ErrorNote error={approveError} />
          {reservations.data && reservations.data.reservations.length === 0 && <p className="muted">{c('noReservations')}</p>}
          {reservations.data && reservations.data.reservations.length > 0 && (
            <table className="data" aria-label={c('reservations')}>
              <thead><tr><th>{c('person')}</th><th>{c('region')}</th><th>{c('requester')}</th><th>{c('valid')}</th><th>{c('status')}</th><th>{c('reason')}</th></tr></thead>
              <tbody>
                {reservations.data.reservations.map((r) => (
                  <tr key={r.id}><td>{r.name} ({r.iin})</td><td>{names.region(r.region)}</td><td>{r.requester}</td><td>{r.validFrom} – {r.validTo}</td><td>{c(`status.${r.status}`)}{r.status === 'pending' && can(user, 'civilApprove') && <> <button type="button" onClick={() => void approve(r.id)}>{c('approveReservation')}</button></>}</td><td>{r.reason}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
