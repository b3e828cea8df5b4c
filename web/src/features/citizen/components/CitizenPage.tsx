import { useState, type FormEvent } from 'react';
import { LanguageSwitcher, useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { usePoll } from '../../../lib/usePoll.ts';
import { acknowledge, mySummonses, reportReason, requestCode, signIn, REASONS, type CitizenSummons } from '../api.ts';

function ReasonForm({ onSend }: { onSend(reason: string, details: string, marriageDate: string): Promise<void> }) {
  const { t, v } = useI18n();
  const [reason, setReason] = useState<string>(REASONS[0]);
  const [details, setDetails] = useState('');
  const [marriageDate, setMarriageDate] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    await onSend(reason, details, marriageDate).finally(() => setBusy(false));
  };
  return (
    <form className="reason" onSubmit={submit} aria-label={t('citizen.reportReason')}>
      <label>
        {t('citizen.reason')}
        <select name="reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          {REASONS.map((r) => (
            <option key={r} value={r}>{v('reason', r)}</option>
          ))}
        </select>
      </label>
      {reason === 'own_marriage_registration' && (
        <label>
          {t('citizen.marriageDate')}
          <input name="marriageDate" type="date" value={marriageDate} onChange={(e) => setMarriageDate(e.target.value)} required />
        </label>
      )}
      <label>
        {t('citizen.details')}
        <textarea name="details" value={details} maxLength={2000} onChange={(e) => setDetails(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>{t('citizen.sendReason')}</button>
    </form>
  );
}

function SummonsCard({ s, token, onChange }: { s: CitizenSummons; token: string; onChange(): void }) {
  const { t, v, dateTime } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [reasonOpen, setReasonOpen] = useState(false);
  const final = ['appeared', 'excused', 'referred'].includes(s.legal);
  // Only a sent reason closes the reason form: an acknowledgement answered while the form is open must leave it open.
  const run = async (fn: () => Promise<unknown>, closesForm = false) => {
    setError(null);
    try {
      await fn();
      if (closesForm) setReasonOpen(false);
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <article className={s.exercise ? 'card summons exercise' : 'card summons'} data-testid="my-summons" data-exercise={s.exercise}>
      <h2>
        {v('purpose', s.purpose)} {s.exercise && <span className="tag">{t('callup.exercise')}</span>}
      </h2>
      {s.exercise && (
        <p className="notice" role="note" data-testid="exercise-notice">
          {t('citizen.exerciseNotice')}
        </p>
      )}
      <dl>
        <dt>{t('citizen.when')}</dt>
        <dd>{dateTime(s.appearanceAt)}</dd>
        <dt>{t('citizen.where')}</dt>
        <dd>{s.lmaOffice}</dd>
        <dt>{t('citizen.code')}</dt>
        <dd className="mono">{s.verificationCode}</dd>
        <dt>{t('funnel.state')}</dt>
        <dd data-testid="legal">{v('legal', s.legal)}</dd>
        {s.pendingReason && (
          <>
            <dt>{t('citizen.reasonReported')}</dt>
            <dd data-testid="pending-reason">{v('reason', s.pendingReason.reason)} — {t('citizen.underReview')}</dd>
          </>
        )}
      </dl>
      {!final && (
        <p className="actions">
          <button onClick={() => run(() => acknowledge(token, s.id))}>{t('citizen.acknowledge')}</button>
          {!s.pendingReason && (
            <button className="secondary" onClick={() => setReasonOpen(!reasonOpen)}>{t('citizen.reportReason')}</button>
          )}
        </p>
      )}
      {reasonOpen && <ReasonForm onSend={(reason, details, marriageDate) => run(() => reportReason(token, s.id, { reason, ...(details.trim() ? { details: details.trim() } : {}), ...(marriageDate ? { marriageDate } : {}) }), true)} />}
      <ErrorNote error={error} />
    </article>
  );
}

function MySummonses({ token }: { token: string }) {
  const { t } = useI18n();
  const { data, error, reload } = usePoll(() => mySummonses(token), 0, [token]);
  return (
    <>
      <ErrorNote error={error} />
      {data && data.length === 0 && <p className="muted">{t('citizen.none')}</p>}
      {data?.map((s) => <SummonsCard key={s.id} s={s} token={token} onChange={reload} />)}
    </>
  );
}

/**
 * The citizen's own page: sign in with the IIN and a one-time code sent by SMS to the registered mobile, then the
 * person's summonses, "I have seen it", and a valid reason for not appearing. The session token stays in memory
 * only: closing the tab ends it.
 */
export function CitizenPage() {
  const { t } = useI18n();
  const [iin, setIin] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const step = async (e: FormEvent, fn: () => Promise<void>) => {
    e.preventDefault();
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <header className="top">
        <span className="brand">{t('app.name')}</span>
        <span>{t('citizen.title')}</span>
        <span className="spacer" />
        <LanguageSwitcher />
        {token && <button className="link" onClick={() => { setToken(null); setSent(false); setCode(''); }}>{t('app.signOut')}</button>}
      </header>
      <main>
        {!token && (
          <form className="card narrow" aria-label={t('citizen.title')} onSubmit={(e) =>
              step(e, async () => {
                if (sent) return setToken((await signIn(iin, code)).token);
                await requestCode(iin);
                setSent(true);
              })
            }>
            <h1>{t('citizen.title')}</h1>
            <label>
              {t('person.iin')}
              <input name="iin" inputMode="numeric" pattern="\d{12}" maxLength={12} value={iin} disabled={sent} onChange={(e) => setIin(e.target.value.trim())} required />
            </label>
            {sent && (
              <>
                <p className="muted">{t('citizen.codeSent')}</p>
                <label>
                  {t('citizen.codeLabel')}
                  <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.trim())} required />
                </label>
              </>
            )}
            <ErrorNote error={error} />
            <button type="submit">{sent ? t('citizen.signIn') : t('citizen.getCode')}</button>
          </form>
        )}
        {token && (
          <section>
            <h1>{t('citizen.mySummonses')}</h1>
            <MySummonses token={token} />
          </section>
        )}
      </main>
    </>
  );
}
