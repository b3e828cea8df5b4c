import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { listAlerts } from '../api.ts';
import { useAlertText } from '../messages.ts';
import '../alerts.css';

/** The latest alerts the officer may see, newest first, with the public feed beside them. */
export function AlertList({ user }: { user: StaffUser }) {
  const { lang, dateTime } = useI18n();
  const a = useAlertText();
  const names = useNames();
  const { data, error } = usePoll(listAlerts, 5000, []);
  return (
    <section>
      <h1>{a('title')}</h1>
      <p className="actions">
        {can(user, 'alertsCompose') && <Link to="/alerts/new" className="button">{a('new')}</Link>}
        <a href={`/api/alerts/feed.atom?lang=${lang}`}>{a('feed')}</a>
      </p>
      <ErrorNote error={error} />
      {data && data.alerts.length === 0 && <p className="muted">{a('none')}</p>}
      {data && data.alerts.length > 0 && (
        <table className="data" aria-label={a('title')}>
          <thead>
            <tr><th>#</th><th>{a('headline')}</th><th>{a('phase')}</th><th>{a('severity')}</th><th>{a('regions')}</th><th>{a('sent')}</th></tr>
          </thead>
          <tbody>
            {data.alerts.map((x) => (
              <tr key={x.id}>
                <td>{x.id}</td>
                <td>{x.status !== 'Actual' && <span className="tag">{x.status.toUpperCase()}</span>} <Link to={`/alerts/${x.id}`}>{x.headline[lang] ?? x.headline.ru}</Link></td>
                <td>{a(`phase.${x.phase}`)}{x.pending ? ` · ${a(`kind.${x.pending.kind}`)}: ${a(`stage.${x.pending.stage}`)}` : ''}</td>
                <td>{a(`severity.${x.severity}`)}</td>
                <td>{x.regions.map((r) => names.region(r)).join(', ')}</td>
                <td>{x.lastSent ? dateTime(x.lastSent) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The navigation link, named in the current language. */
export function AlertsNavLink() {
  const a = useAlertText();
  return <Link to="/alerts">{a('nav')}</Link>;
}
