import { useState } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { addEntry, showIncident } from '../api.ts';

/** One incident and its append-only timeline; the next step offered is only the one the state machine allows. */
export function IncidentView({ user, id }: { user: StaffUser; id: number }) {
  const { t, v, dateTime } = useI18n();
  const names = useNames();
  const { data, error, reload } = usePoll(() => showIncident(id), 10_000, [id]);
  const [note, setNote] = useState('');
  const [actionError, setActionError] = useState<unknown>();
  const step = async (kind: 'note' | 'contain' | 'resolve') => {
    setActionError(undefined);
    try {
      await addEntry(id, { kind, ...(note.trim() ? { note: note.trim() } : {}) });
      setNote('');
      reload();
    } catch (e) {
      setActionError(e);
    }
  };
  if (!data) return <ErrorNote error={error} />;
  const i = data.incident;
  return (
    <div className="card">
      <h2>#{i.id} {i.title}</h2>
      <table className="data fields">
        <tbody>
          <tr><th>{t('infra.inc.status')}</th><td data-testid="incident-status">{v('infra.status', i.status)}</td></tr>
          <tr><th>{t('infra.inc.kind')} / {t('infra.inc.severity')}</th><td>{v('infra.incKind', i.kind)} · {v('infra.severity', i.severity)}</td></tr>
          <tr><th>{t('infra.inc.target')}</th><td>{i.objectCode ? `${i.objectCode} — ${i.objectName}` : (i.unitId ?? '—')}</td></tr>
          <tr><th>{t('infra.region')}</th><td>{names.region(i.region)}</td></tr>
          <tr><th>{t('infra.inc.reported')}</th><td>{dateTime(i.reportedAt)}</td></tr>
          <tr><th>{t('infra.inc.responding')}</th><td className="mono">{i.respondingUnitCode ?? '—'}</td></tr>
        </tbody>
      </table>
      <h2>{t('infra.inc.timeline')}</h2>
      <ol>
        {data.timeline.map((e) => (
          <li key={e.seq}>
            {dateTime(e.at)} — <strong>{v('infra.entry', e.kind)}</strong> · {e.actor}{e.note ? `: ${e.note}` : ''}
          </li>
        ))}
      </ol>
      {can(user, 'infraIncidentsWrite') && (
        <div className="toolbar">
          <label>
            {t('infra.inc.note')}
            <input name="note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} />
          </label>
          <button className="secondary" disabled={!note.trim()} onClick={() => void step('note')}>{t('infra.inc.addNote')}</button>
          {i.status === 'open' && <button onClick={() => void step('contain')}>{t('infra.inc.contain')}</button>}
          {i.status === 'contained' && <button onClick={() => void step('resolve')}>{t('infra.inc.resolve')}</button>}
        </div>
      )}
      <ErrorNote error={actionError} />
    </div>
  );
}
