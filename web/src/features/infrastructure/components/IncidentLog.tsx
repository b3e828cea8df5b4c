import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { navigate } from '../../../lib/router.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { INCIDENT_KINDS, SEVERITIES, STATUSES, listIncidents, listObjects, openIncident } from '../api.ts';

/** The incident log, newest first, times in Kazakhstan; officers who may write report new incidents here. */
export function IncidentLog({ user }: { user: StaffUser }) {
  const { t, v, dateTime } = useI18n();
  const names = useNames();
  const [status, setStatus] = useState('');
  const { data, error } = usePoll(() => listIncidents({ status }), 10_000, [status]);
  return (
    <>
      <div className="toolbar">
        <label>
          {t('infra.inc.status')}
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('infra.inc.allStatuses')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{v('infra.status', s)}</option>)}
          </select>
        </label>
      </div>
      <ErrorNote error={error} />
      {data && data.incidents.length === 0 && <p className="muted">{t('infra.none')}</p>}
      {data && data.incidents.length > 0 && (
        <table className="data" aria-label={t('infra.tab.incidents')}>
          <thead>
            <tr><th>#</th><th>{t('infra.inc.reported')}</th><th>{t('infra.inc.title')}</th><th>{t('infra.inc.kind')}</th><th>{t('infra.inc.severity')}</th><th>{t('infra.inc.status')}</th><th>{t('infra.inc.target')}</th><th>{t('infra.region')}</th><th>{t('infra.inc.responding')}</th></tr>
          </thead>
          <tbody>
            {data.incidents.map((i) => (
              <tr key={i.id}>
                <td>{i.id}</td>
                <td>{dateTime(i.reportedAt)}</td>
                <td><Link to={`/infra/incidents/${i.id}`}>{i.title}</Link></td>
                <td>{v('infra.incKind', i.kind)}</td>
                <td>{v('infra.severity', i.severity)}</td>
                <td>{v('infra.status', i.status)}</td>
                <td>{i.objectName ?? i.unitId ?? '—'}</td>
                <td>{names.region(i.region)}</td>
                <td className="mono">{i.respondingUnitCode ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can(user, 'infraIncidentsWrite') && <NewIncident />}
    </>
  );
}

function NewIncident() {
  const { t, v } = useI18n();
  const objects = usePoll(() => listObjects({}), 0, []);
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    try {
      const i = await openIncident({
        objectId: Number(f.get('objectId')), kind: String(f.get('kind')), severity: String(f.get('severity')), title: String(f.get('title')),
        reportedAt: new Date().toISOString(),
      });
      navigate(`/infra/incidents/${i.id}`);
    } catch (x) {
      setError(x);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)}>
      <h2>{t('infra.inc.new')}</h2>
      <div className="grid2">
        <label>
          {t('infra.inc.object')}
          <select name="objectId" required>
            {objects.data?.objects.map((o) => <option key={o.id} value={o.id}>{o.code} — {o.name}</option>)}
          </select>
        </label>
        <label>
          {t('infra.inc.title')}
          <input name="title" required minLength={3} maxLength={300} />
        </label>
        <label>
          {t('infra.inc.kind')}
          <select name="kind">{INCIDENT_KINDS.map((k) => <option key={k} value={k}>{v('infra.incKind', k)}</option>)}</select>
        </label>
        <label>
          {t('infra.inc.severity')}
          <select name="severity" defaultValue="medium">{SEVERITIES.map((s) => <option key={s} value={s}>{v('infra.severity', s)}</option>)}</select>
        </label>
      </div>
      <ErrorNote error={error} />
      <button type="submit">{t('infra.inc.save')}</button>
    </form>
  );
}
