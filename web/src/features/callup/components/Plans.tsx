import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { listPlans } from '../api.ts';

export function Plans({ user }: { user: StaffUser }) {
  const { t, num, dateTime } = useI18n();
  const { data, error } = usePoll(listPlans, 0, []);
  const sum = (cells: { quota: number; filled: number; shortfall: number }[], k: 'quota' | 'filled' | 'shortfall') => cells.reduce((n, c) => n + c[k], 0);
  return (
    <section>
      <h1>{t('callup.title')}</h1>
      {can(user, 'callupWrite') && (
        <p>
          <Link to="/callup/new" className="button">{t('callup.newOrder')}</Link>
        </p>
      )}
      <ErrorNote error={error} />
      {data && data.plans.length === 0 && <p className="muted">{t('callup.noPlans')}</p>}
      {data && data.plans.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th>№</th>
              <th>{t('callup.order')}</th>
              <th>{t('callup.status')}</th>
              <th className="num">{t('callup.quota')}</th>
              <th className="num">{t('callup.filled')}</th>
              <th className="num">{t('callup.shortfall')}</th>
              <th>{t('callup.author')}</th>
              <th>{t('callup.created')}</th>
            </tr>
          </thead>
          <tbody>
            {data.plans.map((p) => (
              <tr key={p.id}>
                <td>{p.id}</td>
                <td>
                  <Link to={`/callup/${p.id}`}>{p.title}</Link> <span className="muted">{p.orderId} v{p.version}</span>
                  {p.exercise && <span className="tag">{t('callup.exercise')}</span>}
                </td>
                <td>
                  <span className={`status ${p.status}`}>{t(`planStatus.${p.status}` as Key)}</span>
                </td>
                <td className="num">{num(sum(p.cells, 'quota'))}</td>
                <td className="num">{num(sum(p.cells, 'filled'))}</td>
                <td className="num">{num(sum(p.cells, 'shortfall'))}</td>
                <td>{p.createdBy}</td>
                <td>{dateTime(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
