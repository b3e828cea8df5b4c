import { useState } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { getTask, taskStep } from '../api.ts';

/** A civil task: its lines with assigned people and shortfall (and why), its action log, and the next steps. */
export function TaskView({ user, id }: { user: StaffUser; id: string }) {
  // The civil screens' words are the dictionaries' `civil.*` entries; an unknown value shows as itself.
  const { v, dateTime } = useI18n();
  const c = (key: string) => v('civil', key);
  const names = useNames();
  const { data: t, error, reload } = usePoll(() => getTask(id), 10_000, [id]);
  const [stepError, setStepError] = useState<unknown>(null);
  const step = async (s: 'plan' | 'approve' | 'withdraw') => {
    setStepError(null);
    try {
      await taskStep(id, s);
      reload();
    } catch (e) {
      setStepError(e);
    }
  };
  if (!t) return <ErrorNote error={error} />;
  const status = t.state.status;
  return (
    <section>
      <h1>{t.title}</h1>
      <p>{c(`sector.${t.sector}`)} → {names.region(t.region)} · {c('due')} {t.dueDate} · {c('status')}: <strong>{c(`status.${status}`)}</strong></p>
      {can(user, 'civilWrite') && (
        <p className="actions">
          {(status === 'open' || status === 'planned') && <button type="button" onClick={() => void step('plan')}>{c('plan')}</button>}
          {status === 'planned' && <button type="button" onClick={() => void step('approve')}>{c('approve')}</button>}
          {status !== 'withdrawn' && <button type="button" onClick={() => void step('withdraw')}>{c('withdraw')}</button>}
        </p>
      )}
      <ErrorNote error={stepError} />
      {!t.report && <p className="muted">{c('notPlanned')}</p>}
      {t.report && (
        <table className="data" aria-label={c('task')}>
          <thead><tr><th>{c('line')}</th><th>{c('quota')}</th><th>{c('filled')}</th><th>{c('shortfall')}</th><th>{c('why')}</th></tr></thead>
          <tbody>
            {t.report.cells.map((x) => (
              <tr key={x.index}><td>{x.specialty}</td><td>{x.quota}</td><td>{x.filled}</td><td>{x.shortfall}</td><td>{x.reason ?? '—'}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{c('log')}</h2>
      <ol>{t.log.map((e) => <li key={e.seq}>{dateTime(e.at)} · {e.action} · {e.actor}</li>)}</ol>
    </section>
  );
}
