import { useEffect, useState } from 'react';
import { can, me, signOut, type StaffUser } from './features/auth/api.ts';
import { Login } from './features/auth/components/Login.tsx';
import { AlertComposer } from './features/alerts/components/AlertComposer.tsx';
import { AlertList, AlertsNavLink } from './features/alerts/components/AlertList.tsx';
import { AlertView } from './features/alerts/components/AlertView.tsx';
import { OrderForm } from './features/callup/components/OrderForm.tsx';
import { Plans } from './features/callup/components/Plans.tsx';
import { PlanView } from './features/callup/components/PlanView.tsx';
import { CitizenPage } from './features/citizen/components/CitizenPage.tsx';
import { Dashboard } from './features/dashboard/components/Dashboard.tsx';
import { PersonCard } from './features/registry/components/PersonCard.tsx';
import { Search } from './features/registry/components/Search.tsx';
import { FunnelPage } from './features/summons/components/FunnelPage.tsx';
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
  if (path === '/' && can(user, 'dashboard')) return <Dashboard />;
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
          {can(user, 'registry') && <Link to="/registry">{t('nav.registry')}</Link>}
          {can(user, 'callup') && <Link to="/callup">{t('nav.callup')}</Link>}
          {can(user, 'summonses') && <Link to="/summonses">{t('nav.summonses')}</Link>}
          {can(user, 'alerts') && <AlertsNavLink />}
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
