import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { navigate } from '../../../lib/router.ts';
import type { StaffUser } from '../../auth/api.ts';
import { SECTORS, createTask } from '../api.ts';
import { useI18n } from '../../../i18n/index.tsx';

/** One skill line per task from the form; the server checks everything again. */
export function TaskForm({ user }: { user: StaffUser }) {
  // The civil screens' words are the dictionaries' `civil.*` entries; an unknown value shows as itself.
  const { v } = useI18n();
  const c = (key: string) => v('civil', key);
  const names = useNames();
  const [id, setId] = useState('');
  const [title, setTitle] = useState('');
  const [sector, setSector] = useState<(typeof SECTORS)[number]>('health');
  const [region, setRegion] = useState(user.region ?? 'KZ-75');
  const [due, setDue] = useState('');
  const [skill, setSkill] = useState('медицинская сестра');
  const [count, setCount] = useState(10);
  const [territorial, setTerritorial] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const t = await createTask({ id, title, sector, region, due_date: due, territorial, lines: [{ skill, count }] });
      navigate(`/civil/tasks/${t.id}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label={c('createTitle')}>
      <h1>{c('createTitle')}</h1>
      <label>{c('id')}<input name="id" value={id} onChange={(e) => setId(e.target.value)} required /></label>
      <label>{c('titleField')}<input name="title" value={title} onChange={(e) => setTitle(e.target.value)} required /></label>
      <label>{c('sector')}<select name="sector" value={sector} onChange={(e) => setSector(e.target.value as (typeof SECTORS)[number])}>{SECTORS.map((s) => <option key={s} value={s}>{c(`sector.${s}`)}</option>)}</select></label>
      <label>{c('region')}
        <select name="region" value={region} onChange={(e) => setRegion(e.target.value)} disabled={Boolean(user.region)}>
          {(names.ref?.regions ?? []).map((r) => <option key={r.iso} value={r.iso}>{names.region(r.iso)}</option>)}
        </select>
      </label>
      <label>{c('due')}<input type="date" name="due" value={due} onChange={(e) => setDue(e.target.value)} required /></label>
      <label>{c('skill')}<input name="skill" value={skill} onChange={(e) => setSkill(e.target.value)} required /></label>
      <label>{c('count')}<input type="number" min={1} name="count" value={count} onChange={(e) => setCount(Number(e.target.value))} required /></label>
      <label className="check"><input type="checkbox" name="territorial" checked={territorial} onChange={(e) => setTerritorial(e.target.checked)} /> {c('territorial')}</label>
      <ErrorNote error={error} />
      <button type="submit">{c('create')}</button>
    </form>
  );
}
