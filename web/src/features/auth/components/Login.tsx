import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ApiError } from '../../../lib/http.ts';
import { signIn, type StaffUser } from '../api.ts';

export function Login({ onSignedIn }: { onSignedIn: (u: StaffUser) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn((await signIn(username, password)).user);
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'ACCESS_THROTTLED' ? t('login.throttled') : t('login.failed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card narrow" onSubmit={submit} aria-label={t('login.title')}>
      <h1>{t('login.title')}</h1>
      <label>
        {t('login.username')}
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
      </label>
      <label>
        {t('login.password')}
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{t('login.submit')}</button>
      <p className="muted">
        <a href="/citizen">{t('login.citizenLink')}</a>
      </p>
    </form>
  );
}
