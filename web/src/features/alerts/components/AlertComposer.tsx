import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { navigate } from '../../../lib/router.ts';
import type { StaffUser } from '../../auth/api.ts';
import { CATEGORIES, CERTAINTIES, RESPONSES, SEVERITIES, STATUSES, URGENCIES, composeAlert, followUp, kzInput, type Content, type Status } from '../api.ts';
import { LANG_NAMES, useAlertText } from '../messages.ts';
import '../alerts.css';

type Lang = 'kk' | 'ru' | 'en';
interface Words {
  event: string;
  headline: string;
  description: string;
  instruction: string;
}
const blank: Words = { event: '', headline: '', description: '', instruction: '' };
/** A +05:00 instant as the datetime-local field shows it (Kazakhstan wall time). */
const toLocal = (iso?: string) => (iso ? new Date(Date.parse(iso) + 5 * 3_600_000).toISOString().slice(0, 16) : '');

/**
 * The alert composer: status, CAP's category / response / urgency / severity / certainty, times in Kazakhstan
 * time, target regions (a regional officer's own only), and the words in Kazakh and Russian (required) and English
 * (optional). With `update` it drafts the next message of a published alert from its current content.
 */
export function AlertComposer({ user, update }: { user: StaffUser; update?: { id: string; content: Content } }) {
  const { lang: uiLang } = useI18n();
  const a = useAlertText();
  const names = useNames();
  const init = update?.content;
  const [status, setStatus] = useState<Status>('Actual');
  const [category, setCategory] = useState<string[]>(init?.category ?? ['Safety']);
  const [response, setResponse] = useState<string[]>(init?.responseType ?? ['Monitor']);
  const [urgency, setUrgency] = useState<string>(init?.urgency ?? 'Expected');
  const [severity, setSeverity] = useState<string>(init?.severity ?? 'Moderate');
  const [certainty, setCertainty] = useState<string>(init?.certainty ?? 'Likely');
  const [onset, setOnset] = useState(toLocal(init?.onset));
  const [expires, setExpires] = useState(toLocal(init?.expires));
  const [regions, setRegions] = useState<string[]>(init?.regions ?? (user.region ? [user.region] : []));
  const [words, setWords] = useState<Record<Lang, Words>>({
    kk: { ...blank, ...init?.info.kk }, ru: { ...blank, ...init?.info.ru }, en: { ...blank, ...init?.info.en },
  });
  const [contact, setContact] = useState(init?.contact ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ref = names.ref;
  if (!ref) return null;

  const toggle = (list: string[], v: string, set: (l: string[]) => void) => set(list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const setWord = (l: Lang, k: keyof Words, v: string) => setWords({ ...words, [l]: { ...words[l], [k]: v } });
  const info = (l: Lang) => {
    const w = words[l];
    return { event: w.event, headline: w.headline, description: w.description, ...(w.instruction.trim() ? { instruction: w.instruction } : {}) };
  };
  const hasEnglish = Object.values(words.en).some((v) => v.trim());
  const smsChars = [words.kk, words.ru].reduce((n, w) => n + w.headline.length + w.instruction.length + 3, 0);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const o = kzInput(onset);
    const x = kzInput(expires);
    const content = {
      category, responseType: response, urgency, severity, certainty, regions,
      ...(o ? { onset: o } : {}), ...(x ? { expires: x } : {}),
      info: { kk: info('kk'), ru: info('ru'), ...(hasEnglish ? { en: info('en') } : {}) },
      ...(contact.trim() ? { contact } : {}),
    } as Content;
    setBusy(true);
    setError(null);
    try {
      const r = update ? await followUp(update.id, { kind: 'update', content }) : await composeAlert(status, content);
      navigate(`/alerts/${r.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const choice = (name: string, values: readonly string[], value: string, set: (v: string) => void) => (
    <label>
      {a(name)}
      <select name={name} value={value} onChange={(e) => set(e.target.value)}>
        {values.map((v) => <option key={v} value={v}>{a(`${name}.${v}`)}</option>)}
      </select>
    </label>
  );
  return (
    <form className="card alert-composer" onSubmit={submit} aria-label={update ? a('updateTitle') : a('composeTitle')}>
      <h1>{update ? a('updateTitle') : a('composeTitle')}</h1>
      {!update && (
        <fieldset className="statuses">
          <legend>{a('status')}</legend>
          {STATUSES.map((s) => (
            <label className="check" key={s}>
              <input type="radio" name="status" value={s} checked={status === s} onChange={() => setStatus(s)} /> {a(`status.${s}`)}
            </label>
          ))}
        </fieldset>
      )}
      <div className="grid3">
        {choice('urgency', URGENCIES, urgency, setUrgency)}
        {choice('severity', SEVERITIES, severity, setSeverity)}
        {choice('certainty', CERTAINTIES, certainty, setCertainty)}
      </div>
      <fieldset>
        <legend>{a('category')}</legend>
        <div className="chips">
          {CATEGORIES.map((c) => (
            <label className="check" key={c}><input type="checkbox" name="category" value={c} checked={category.includes(c)} onChange={() => toggle(category, c, setCategory)} /> {c}</label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{a('responseType')}</legend>
        <div className="chips">
          {RESPONSES.map((r) => (
            <label className="check" key={r}><input type="checkbox" name="responseType" value={r} checked={response.includes(r)} onChange={() => toggle(response, r, setResponse)} /> {r}</label>
          ))}
        </div>
      </fieldset>
      <div className="grid2">
        <label>{a('onset')}<input type="datetime-local" name="onset" value={onset} onChange={(e) => setOnset(e.target.value)} /></label>
        <label>{a('expires')}<input type="datetime-local" name="expires" value={expires} onChange={(e) => setExpires(e.target.value)} /></label>
      </div>
      <fieldset>
        <legend>{a('regions')}</legend>
        <p className="muted">{a('regionsHint')}</p>
        <div className="chips regions">
          {ref.regions.map((r) => (
            <label className="check" key={r.iso}>
              <input type="checkbox" name="region" value={r.iso} checked={regions.includes(r.iso)} disabled={Boolean(user.region) && r.iso !== user.region} onChange={() => toggle(regions, r.iso, setRegions)} />
              {r.name[uiLang]}
            </label>
          ))}
        </div>
      </fieldset>
      {(['kk', 'ru', 'en'] as const).map((l) => (
        <fieldset key={l} className="words" lang={l}>
          <legend>{a('lang', { lang: LANG_NAMES[l] })} {l === 'en' ? a('optional') : ''}</legend>
          <div className="grid2">
            <label>{a('event')}<input name={`${l}.event`} value={words[l].event} required={l !== 'en' || hasEnglish} maxLength={120} onChange={(e) => setWord(l, 'event', e.target.value)} /></label>
            <label>{a('headline')}<input name={`${l}.headline`} value={words[l].headline} required={l !== 'en' || hasEnglish} maxLength={160} onChange={(e) => setWord(l, 'headline', e.target.value)} /></label>
          </div>
          <label>{a('description')}<textarea name={`${l}.description`} value={words[l].description} required={l !== 'en' || hasEnglish} maxLength={4000} onChange={(e) => setWord(l, 'description', e.target.value)} /></label>
          <label>{a('instruction')}<textarea name={`${l}.instruction`} value={words[l].instruction} maxLength={2000} onChange={(e) => setWord(l, 'instruction', e.target.value)} /></label>
        </fieldset>
      ))}
      <label>{a('contact')}<input name="contact" value={contact} maxLength={200} onChange={(e) => setContact(e.target.value)} /></label>
      <p className="muted" data-testid="sms-length">{a('smsLength', { n: smsChars })}</p>
      <ErrorNote error={error} />
      <button type="submit" disabled={busy || regions.length === 0 || category.length === 0 || response.length === 0}>{update ? a('submitUpdate') : a('submit')}</button>
    </form>
  );
}
