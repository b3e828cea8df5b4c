import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { ApiError } from '../../../lib/http.ts';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { alertStep, followUp, getAlert, issueStatement, type Alert, type Content } from '../api.ts';
import { useAlertText } from '../messages.ts';
import { AlertComposer } from './AlertComposer.tsx';
import '../alerts.css';

type Lang = 'kk' | 'ru' | 'en';
const LANGS: Lang[] = ['kk', 'ru', 'en'];

/** Headline and description per language for a cancellation, an all-clear or a statement. */
function WordsForm({ id, kind, onDone, hasEnglish }: { id: string; kind: 'cancel' | 'all_clear' | 'statement'; onDone: () => void; hasEnglish: boolean }) {
  const a = useAlertText();
  const [first, setFirst] = useState('');
  const [w, setW] = useState<Record<Lang, { headline: string; description: string }>>({ kk: { headline: '', description: '' }, ru: { headline: '', description: '' }, en: { headline: '', description: '' } });
  const [error, setError] = useState<unknown>(null);
  const langs = LANGS.filter((l) => l !== 'en' || hasEnglish);
  const filled = (l: Lang) => w[l].headline.trim() && w[l].description.trim();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const text = Object.fromEntries(langs.filter((l) => l !== 'en' || filled('en')).map((l) => [l, { headline: w[l].headline, description: w[l].description }])) as { kk: { headline: string; description: string }; ru: { headline: string; description: string } };
    try {
      if (kind === 'statement') {
        const words = Object.fromEntries(Object.entries(text).map(([l, x]) => [l, { title: x.headline, text: x.description }])) as { kk: { title: string; text: string }; ru: { title: string; text: string } };
        await issueStatement(id, { claim: first, words });
      } else await followUp(id, kind === 'cancel' ? { kind, reason: first, text } : { kind, text });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  const label = kind === 'cancel' ? a('reason') : a('claim');
  return (
    <form className="card" onSubmit={submit} aria-label={kind === 'statement' ? a('statements') : kind === 'cancel' ? a('cancel') : a('allClear')}>
      {kind !== 'all_clear' && <label>{label}<input name="first" required value={first} onChange={(e) => setFirst(e.target.value)} /></label>}
      {langs.map((l) => (
        <div className="grid2" key={l} lang={l}>
          <label>{`${kind === 'statement' ? a('statementTitle') : a('headline')} (${l})`}<input name={`${l}.headline`} required={l !== 'en'} value={w[l].headline} onChange={(e) => setW({ ...w, [l]: { ...w[l], headline: e.target.value } })} /></label>
          <label>{`${kind === 'statement' ? a('statementText') : a('description')} (${l})`}<input name={`${l}.description`} required={l !== 'en'} value={w[l].description} onChange={(e) => setW({ ...w, [l]: { ...w[l], description: e.target.value } })} /></label>
        </div>
      ))}
      <ErrorNote error={error} />
      <button type="submit">{kind === 'cancel' ? a('draftCancel') : kind === 'all_clear' ? a('draftAllClear') : a('issueStatement')}</button>
    </form>
  );
}

function AlertError({ error }: { error: unknown }) {
  const a = useAlertText();
  if (error instanceof ApiError && error.code === 'ALERT_SELF_APPROVAL') return <p className="error" role="alert">{a('selfApproval')}</p>;
  if (error instanceof ApiError && error.code === 'ALERT_STALE') return <p className="error" role="alert">{a('stale')}</p>;
  return <ErrorNote error={error} />;
}

/** One alert: what it says, where it stands, the next step for whoever may take it, what went out and to whom. */
export function AlertView({ user, id }: { user: StaffUser; id: string }) {
  const { lang, dateTime, num } = useI18n();
  const a = useAlertText();
  const names = useNames();
  const { data: alert, error, reload } = usePoll(() => getAlert(id), 3000, [id]);
  const [stepError, setStepError] = useState<unknown>(null);
  const [form, setForm] = useState<'update' | 'cancel' | 'all_clear' | 'statement' | null>(null);
  const [busy, setBusy] = useState(false);
  if (error && !alert) return <ErrorNote error={error} />;
  if (!alert) return null;
  const s = (alert as Alert).state;
  const content = (s.pending?.content ?? s.published.at(-1)?.content) as Content;
  const words = content.info[lang] ?? content.info.ru;
  const step = async (what: 'approve' | 'publish' | 'discard') => {
    setBusy(true);
    setStepError(null);
    try {
      await alertStep(id, what, s.version);
      reload();
    } catch (e) {
      setStepError(e);
    } finally {
      setBusy(false);
    }
  };
  const live = s.phase === 'published' || s.phase === 'updated';
  const done = () => {
    setForm(null);
    reload();
  };
  return (
    <section className="alert-view">
      <h1>
        {alert.status !== 'Actual' && <span className="tag">{alert.status.toUpperCase()}</span>} {words.headline}
      </h1>
      <p>
        <span className={`status phase-${s.phase}`} data-testid="alert-phase">{a(`phase.${s.phase}`)}</span>{' '}
        <span className="muted">#{alert.id} · {a(`severity.${content.severity}`)} · {a(`urgency.${content.urgency}`)} · {a(`certainty.${content.certainty}`)} · {content.regions.map((r) => names.region(r)).join(', ')}</span>
      </p>
      <div className="card">
        <p><strong>{words.event}</strong></p>
        <p>{words.description}</p>
        {words.instruction && <p><em>{words.instruction}</em></p>}
        {content.expires && <p className="muted">{a('expires')}: {dateTime(content.expires)}</p>}
      </div>

      {s.pending && (
        <div className="card actions" data-testid="pending">
          <span>{a('pending', { kind: a(`kind.${s.pending.kind}`), stage: a(`stage.${s.pending.stage}`) })}</span>
          {can(user, 'alertsApprove') && s.pending.stage === 'drafted' && <button disabled={busy} onClick={() => step('approve')}>{a('approve')}</button>}
          {can(user, 'alertsApprove') && s.pending.stage === 'approved' && <button disabled={busy} onClick={() => step('publish')}>{a('publish')}</button>}
          {can(user, 'alertsCompose') && <button disabled={busy} className="secondary" onClick={() => step('discard')}>{a('discard')}</button>}
          <a href={`/api/alerts/${alert.id}/preview`} target="_blank" rel="noreferrer">{a('preview')}</a>
          {alert.status === 'Actual' && <span className="muted">{a('twoPerson', { writers: s.pending.writers.join(', ') })}</span>}
        </div>
      )}
      <AlertError error={stepError} />

      {live && !s.pending && can(user, 'alertsCompose') && (
        <p className="actions">
          <span>{a('followUp')}:</span>
          <button className="secondary" onClick={() => setForm('update')}>{a('update')}</button>
          <button className="secondary" onClick={() => setForm('cancel')}>{a('cancel')}</button>
          <button className="secondary" onClick={() => setForm('all_clear')}>{a('allClear')}</button>
        </p>
      )}
      {form === 'update' && <AlertComposer user={user} update={{ id: alert.id, content }} />}
      {(form === 'cancel' || form === 'all_clear') && <WordsForm id={alert.id} kind={form} hasEnglish={Boolean(content.info.en)} onDone={done} />}

      <h2>{a('messages')}</h2>
      <table className="data" aria-label={a('messages')}>
        <tbody>
          {alert.messages.map((m) => {
            const sms = alert.distribution.filter((d) => d.n === m.n && d.channel === 'sms');
            const sent = sms.filter((d) => d.state === 'submitted').reduce((n, d) => n + d.rows, 0);
            return (
              <tr key={m.n} data-testid={`message-${m.n}`}>
                <td>{m.n}. {a(`kind.${m.kind}`)} ({m.msgType})</td>
                <td className="mono">{m.identifier}</td>
                <td>{dateTime(m.sent)}</td>
                <td>SMS: {num(sent)} {a('sent')}, {num(sms.reduce((n, d) => n + d.delivered, 0))} {a('delivered')} / {num(sms.reduce((n, d) => n + d.rows, 0))}</td>
                <td><a href={`/api/alerts/${alert.id}/cap/${m.n}`} target="_blank" rel="noreferrer">{a('cap')}</a></td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {(alert.statements.length > 0 || can(user, 'alertsStatement')) && <h2>{a('statements')}</h2>}
      {alert.statements.map((st) => (
        <div className="card" key={st.id} data-testid="statement">
          <strong>{(st.words[lang] ?? st.words.ru)?.title}</strong>
          <p>{(st.words[lang] ?? st.words.ru)?.text}</p>
          <p className="muted">«{st.claim}» · {dateTime(st.issuedAt)} · {st.issuedBy}</p>
        </div>
      ))}
      {s.published.length > 0 && can(user, 'alertsStatement') && form !== 'statement' && <button className="secondary" onClick={() => setForm('statement')}>{a('issueStatement')}</button>}
      {form === 'statement' && <WordsForm id={alert.id} kind="statement" hasEnglish onDone={done} />}

      <h2>{a('log')}</h2>
      <ol className="log">
        {alert.log.map((e, i) => (
          <li key={i}>{dateTime(e.at)} — {e.actor}: {e.kind}{e.kind === 'draft' ? ` (${a(`kind.${e.message}`)})` : ''}</li>
        ))}
      </ol>
    </section>
  );
}
