import { useEffect, useState } from 'react';
import { can, me, signOut, type StaffUser } from './features/auth/api.ts';
import { Login } from './features/auth/components/Login.tsx';
import { AlertComposer } from './features/alerts/components/AlertComposer.tsx';
import { AlertList, AlertsNavLink } from './features/alerts/components/AlertList.tsx';
import { AlertView } from './features/alerts/components/AlertView.tsx';
import { CivilPage } from './features/civil/components/CivilPage.tsx';
import { TaskForm } from './features/civil/components/TaskForm.tsx';
import { TaskView } from './features/civil/components/TaskView.tsx';
import { OrderForm } from './features/callup/components/OrderForm.tsx';
import { Plans } from './features/callup/components/Plans.tsx';
import { PlanView } from './features/callup/components/PlanView.tsx';
import { CitizenPage } from './features/citizen/components/CitizenPage.tsx';
import { Dashboard } from './features/dashboard/components/Dashboard.tsx';
import { TierDashboard } from './features/dashboard/components/TierDashboard.tsx';
import { InfraPage } from './features/infrastructure/components/InfraPage.tsx';
import { Enterprises } from './features/economy/components/Enterprises.tsx';
import { EnterpriseView } from './features/economy/components/EnterpriseView.tsx';
import { RequisitionForm } from './features/economy/components/RequisitionForm.tsx';
import { Requisitions } from './features/economy/components/Requisitions.tsx';
import { RequisitionView } from './features/economy/components/RequisitionView.tsx';
import { Tasks } from './features/economy/components/Tasks.tsx';
import { PersonCard } from './features/registry/components/PersonCard.tsx';
import { Search } from './features/registry/components/Search.tsx';
import { FunnelPage } from './features/summons/components/FunnelPage.tsx';
import { Evacuation } from './features/territorial/components/Evacuation.tsx';
import { Protection } from './features/territorial/components/Protection.tsx';
import { Units } from './features/territorial/components/Units.tsx';
import { LanguageSwitcher, useI18n } from './i18n/index.tsx';
import { Link } from './lib/Link.tsx';
import { useNames } from './lib/reference.ts';
import { match, navigate, useLocation } from './lib/router.ts';

function Screen({ user, path }: { user: StaffUser; path: string }) {
  const { t } = useI18n();
  let m: Record<string, string> | null;
  if (path === '/callup/new' && can(user, 'callupWrite')) return <OrderForm user={user} />;
  if ((m = match('/callup/:id', path)) && can(user, 'callup')) return <PlanView user={user} id={m.id as string} />;
  if (path === '/callup' && can(user, 'callup')) return <Plans user={user} />;
  if ((m = match('/registry/:iin', path)) && can(user, 'registry')) return <PersonCard iin={m.iin as string} />;
  if (path === '/registry' && can(user, 'registry')) return <Search user={user} />;
  if (path === '/summonses' && can(user, 'summonses')) return <FunnelPage />;
  if (path === '/alerts/new' && can(user, 'alertsCompose')) return <AlertComposer user={user} />;
  if ((m = match('/alerts/:id', path)) && can(user, 'alerts')) return <AlertView user={user} id={m.id as string} />;
  if (path === '/alerts' && can(user, 'alerts')) return <AlertList user={user} />;
  if (path === '/td' && can(user, 'td')) return <Units user={user} />;
  if (path === '/td/protection' && can(user, 'td')) return <Protection user={user} />;
  if (path === '/td/evacuation' && can(user, 'td')) return <Evacuation user={user} />;
  if ((path === '/infra' || path.startsWith('/infra/')) && can(user, 'infra')) return <InfraPage user={user} path={path} />;
  if ((m = match('/economy/enterprises/:bin', path)) && can(user, 'economy')) return <EnterpriseView user={user} bin={m.bin as string} />;
  if (path === '/economy/tasks' && can(user, 'economy')) return <Tasks user={user} />;
  if (path === '/economy/requisitions/new' && can(user, 'economyRequisition')) return <RequisitionForm user={user} />;
  if ((m = match('/economy/requisitions/:id', path)) && can(user, 'economyRequisitionRead')) return <RequisitionView user={user} id={m.id as string} />;
  if (path === '/economy/requisitions' && can(user, 'economyRequisitionRead')) return <Requisitions user={user} />;
  if (path === '/economy' && can(user, 'economy')) return <Enterprises user={user} />;
  if (path === '/civil/tasks/new' && can(user, 'civilWrite')) return <TaskForm user={user} />;
  if ((m = match('/civil/tasks/:id', path)) && can(user, 'civil')) return <TaskView user={user} id={m.id as string} />;
  if (path === '/civil' && can(user, 'civil')) return <CivilPage user={user} />;
  if (path === '/' && can(user, 'dashboard')) return <Dashboard />;
  if (path === '/tiers' && can(user, 'dashboard')) return <TierDashboard />;
  if (path === '/' && can(user, 'registry')) return <Search user={user} />;
  return <p className="card">{path === '/' ? t('app.nothingForRole') : t('app.notFound')}</p>;
}

/** Who is signed in; mounted only after sign-in, so the reference names load with the session. */
function Who({ user }: { user: StaffUser }) {
  const { v } = useI18n();
  const names = useNames();
  return (
    <span className="who" data-testid="who">
      {user.username} · {v('role', user.role)}
      {user.region ? ` · ${names.region(user.region)}` : ''}
      {user.district ? ` · ${user.district}` : ''}
    </span>
  );
}

export function App() {
  const { t } = useI18n();
  const { path } = useLocation();
  const [user, setUser] = useState<StaffUser | null | undefined>(undefined);
  useEffect(() => {
    me().then(setUser, () => setUser(null));
  }, []);

  if (path.startsWith('/citizen')) return <CitizenPage />;
  const header = (
    <header className="top">
      <Link to="/" className="brand">{t('app.name')}</Link>
      {user && (
        <nav aria-label={t('app.nav')}>
          {can(user, 'dashboard') && <Link to="/">{t('nav.dashboard')}</Link>}
          {can(user, 'dashboard') && <Link to="/tiers">{t('nav.tiers')}</Link>}
          {can(user, 'registry') && <Link to="/registry">{t('nav.registry')}</Link>}
          {can(user, 'callup') && <Link to="/callup">{t('nav.callup')}</Link>}
          {can(user, 'summonses') && <Link to="/summonses">{t('nav.summonses')}</Link>}
          {can(user, 'alerts') && <AlertsNavLink />}
          {can(user, 'td') && <Link to="/td">{t('nav.td')}</Link>}
          {can(user, 'infra') && <Link to="/infra">{t('nav.infra')}</Link>}
          {can(user, 'economy') && <Link to="/economy">{t('economy.nav')}</Link>}
          {can(user, 'civil') && <Link to="/civil">{t('civil.nav')}</Link>}
        </nav>
      )}
      <span className="spacer" />
      {user && <Who user={user} />}
      <LanguageSwitcher />
      {user && (
        <button
          className="link"
          onClick={async () => {
            await signOut().catch(() => undefined);
            setUser(null);
            navigate('/');
          }}
        >
          {t('app.signOut')}
        </button>
      )}
    </header>
  );
  return (
    <>
      {header}
      <main>{user === undefined ? <p className="muted">{t('app.loading')}</p> : user === null ? <Login onSignedIn={setUser} /> : <Screen user={user} path={path} />}</main>
    </>
  );
}

