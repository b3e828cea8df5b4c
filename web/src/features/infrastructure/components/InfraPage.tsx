import { useI18n } from '../../../i18n/index.tsx';
import { Link } from '../../../lib/Link.tsx';
import { can, type StaffUser } from '../../auth/api.ts';
import { CyberUnits } from './CyberUnits.tsx';
import { IncidentLog } from './IncidentLog.tsx';
import { IncidentView } from './IncidentView.tsx';
import { ObjectTable } from './ObjectTable.tsx';

/** The tier's screens under /infra, with tabs for what the role may see (the server checks every call again). */
export function InfraPage({ user, path }: { user: StaffUser; path: string }) {
  const { t } = useI18n();
  const incident = /^\/infra\/incidents\/(\d+)$/.exec(path);
  const tab = path.startsWith('/infra/units') ? 'units' : path.startsWith('/infra/incidents') ? 'incidents' : 'objects';
  const tabs = [
    { id: 'objects', to: '/infra', label: t('infra.tab.objects'), show: true },
    { id: 'units', to: '/infra/units', label: t('infra.tab.units'), show: can(user, 'infraCyber') },
    { id: 'incidents', to: '/infra/incidents', label: t('infra.tab.incidents'), show: can(user, 'infraIncidents') },
  ].filter((x) => x.show);
  return (
    <section>
      <h1>{t('infra.title')}</h1>
      <p className="toolbar" role="tablist">
        {tabs.map((x) => (
          <Link key={x.id} to={x.to} className={x.id === tab ? 'button' : undefined}>{x.label}</Link>
        ))}
      </p>
      {tab === 'objects' && <ObjectTable user={user} />}
      {tab === 'units' && can(user, 'infraCyber') && <CyberUnits />}
      {tab === 'incidents' && can(user, 'infraIncidents') && (incident ? <IncidentView user={user} id={Number(incident[1])} /> : <IncidentLog user={user} />)}
    </section>
  );
}
