import { useState } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { taskStep, type EconomyTask } from '../api.ts';

/** Tasks with the step each user may take: the enterprise accepts or declines, deliveries are reported. */
export function TaskTable({ user, tasks, onChange }: { user: StaffUser; tasks: EconomyTask[]; onChange: () => void }) {
  const { t, v, num, date } = useI18n();
  const names = useNames();
  const [error, setError] = useState<unknown>(null);
  const [delivered, setDelivered] = useState<Record<string, string>>({});
  const step = async (id: string, s: 'accept' | 'decline' | 'progress') => {
    setError(null);
    try {
      await taskStep(id, s, s === 'progress' ? { quantity: Number(delivered[id]) } : {});
      setDelivered({ ...delivered, [id]: '' });
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  if (tasks.length === 0) return <p className="muted">{t('economy.noTasks')}</p>;
  return (
    <>
      <ErrorNote error={error} />
      <table className="data" aria-label={t('economy.tasks')}>
        <thead>
          <tr><th>№</th><th>{t('economy.name')}</th><th>{t('economy.kind')}</th><th className="num">{t('economy.quantity')}</th><th>{t('economy.destination')}</th><th>{t('economy.due')}</th><th>{t('economy.state')}</th><th className="num">{t('economy.delivered')}</th><th /></tr>
        </thead>
        <tbody>
          {tasks.map((x) => (
            <tr key={x.id} data-testid={`task-${x.id}`}>
              <td>{x.id}</td>
              <td><Link to={`/economy/enterprises/${x.bin}`}>{x.enterprise}</Link>{x.note && <div className="muted">{x.note}</div>}</td>
              <td>{v('economyKind', x.kind)}: {x.subtype}</td>
              <td className="num">{num(x.quantity)} {x.unit}</td>
              <td>{names.region(x.destination)}</td>
              <td>{date(x.dueDate)}</td>
              <td><span className={`status ${x.state}`}>{v('taskState', x.state)}</span></td>
              <td className="num">{num(x.delivered)}</td>
              <td className="actions">
                {x.state === 'assigned' && can(user, 'economyRespond') && (
                  <>
                    <button onClick={() => step(x.id, 'accept')}>{t('economy.accept')}</button>
                    <button className="secondary" onClick={() => step(x.id, 'decline')}>{t('economy.decline')}</button>
                  </>
                )}
                {x.state === 'accepted' && can(user, 'economyProgress') && (
                  <form onSubmit={(e) => { e.preventDefault(); void step(x.id, 'progress'); }} className="actions">
                    <input aria-label={t('economy.delivered')} type="number" min={1} required size={6} value={delivered[x.id] ?? ''} onChange={(e) => setDelivered({ ...delivered, [x.id]: e.target.value })} />
                    <button type="submit">{t('economy.report')}</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
