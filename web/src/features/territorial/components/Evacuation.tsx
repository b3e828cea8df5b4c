import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { approvePlan, codes, draftPlan, listPlans, type TdPlan } from '../api.ts';
import { TdTabs } from './TdTabs.tsx';

/** One plan's capacity check: each constraint against the people to move, with its shortfall. */
function PlanCard({ plan, user, onChange }: { plan: TdPlan; user: StaffUser; onChange: () => void }) {
  const { t, num, dateTime } = useI18n();
  const names = useNames();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const c = plan.check;
  const approve = async () => {
    setError(undefined);
    try {
      await approvePlan(plan.id, c.feasible ? undefined : reason);
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const row = (label: string, have: number, short: number) => (
    <tr className={short > 0 ? 'short' : ''}>
      <td>{label}</td><td className="num">{num(have)}</td><td className="num">{short > 0 ? num(short) : '—'}</td>
    </tr>
  );
  return (
    <div className="card" data-testid={`td-plan-${plan.id}`}>
      <h2>#{plan.id} {plan.name} <span className="tag">{t(plan.status === 'approved' ? 'td.approved' : 'td.draft')}</span></h2>
      <p>
        {names.region(plan.region)}: {plan.fromDistricts.join(', ')} → {[...plan.toDistricts, ...plan.shelterIds.map((s) => `#${s}`)].join(', ')} · {t('td.window', { h: plan.windowHours })}
        <br />
        <small className="muted">{t('td.drafted', { who: plan.createdBy, at: dateTime(plan.createdAt) })}{plan.approvedBy ? ` · ${t('td.approvedBy', { who: plan.approvedBy })}` : ''}</small>
      </p>
      <table className="data" aria-label={t('td.check')}>
        <thead><tr><th>{t('td.constraint')}</th><th className="num">{t('td.capacity')}</th><th className="num">{t('td.shortfall')}</th></tr></thead>
        <tbody>
          <tr><td>{t('td.peopleToMove')}</td><td className="num">{num(c.peopleToMove)}</td><td /></tr>
          {row(t('td.shelterPlaces'), c.shelterPlaces, c.shortfall.shelter)}
          {row(t('td.seatTrips'), c.seatTrips, c.shortfall.transport)}
        </tbody>
      </table>
      <p className={c.feasible ? 'ok' : 'error'}>{c.feasible ? t('td.feasible') : t('td.infeasible', { pct: c.coveragePct })}</p>
      <p className="muted"><small>{t('td.populationNote')}</small></p>
      {plan.acceptedReason && <p>{t('td.acceptedReason')}: {plan.acceptedReason}</p>}
      {plan.status === 'draft' && can(user, 'tdApprove') && (
        <p className="actions">
          {!c.feasible && (
            <label>
              {t('td.reason')}
              <input value={reason} onChange={(e) => setReason(e.target.value)} size={50} />
            </label>
          )}
          <button onClick={approve} disabled={!c.feasible && !reason.trim()}>{t(c.feasible ? 'td.approve' : 'td.approveAnyway')}</button>
        </p>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

/** Evacuation plans of the officer's region with their capacity checks; a regional officer drafts and approves. */
export function Evacuation({ user }: { user: StaffUser }) {
  const { t } = useI18n();
  const names = useNames();
  const { data, error, reload } = usePoll(listPlans, 0, []);
  const [form, setForm] = useState({ name: '', region: user.region ?? '', from: '', to: '', hours: '48' });
  const [failed, setFailed] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailed(undefined);
    try {
      await draftPlan({ name: form.name, region: form.region, fromDistricts: codes(form.from), toDistricts: codes(form.to), windowHours: Number(form.hours) });
      setForm({ ...form, name: '', from: '', to: '' });
      reload();
    } catch (err) {
      setFailed(err);
    }
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <section>
      <h1>{t('td.evacuationTitle')}</h1>
      <TdTabs />
      <ErrorNote error={error} />
      {data && data.plans.length === 0 && <p className="muted">{t('td.noPlans')}</p>}
      {data?.plans.map((p) => <PlanCard key={p.id} plan={p} user={user} onChange={reload} />)}
      {can(user, 'tdApprove') && (
        <form className="card" onSubmit={submit}>
          <h2>{t('td.newPlan')}</h2>
          <p className="actions">
            <label>{t('td.name')}<input required value={form.name} onChange={set('name')} /></label>
            {!user.region && (
              <label>
                {t('dashboard.region')}
                <select required value={form.region} onChange={set('region')}>
                  <option value="" />
                  {names.ref?.regions.map((r) => <option key={r.iso} value={r.iso}>{names.region(r.iso)}</option>)}
                </select>
              </label>
            )}
            <label>{t('td.from')}<input required value={form.from} onChange={set('from')} placeholder="KZ-71-D02" /></label>
            <label>{t('td.to')}<input required value={form.to} onChange={set('to')} placeholder="KZ-71-D03, KZ-71-D04" /></label>
            <label>{t('td.hours')}<input required type="number" min={1} value={form.hours} onChange={set('hours')} /></label>
            <button type="submit">{t('td.draftPlan')}</button>
          </p>
          <ErrorNote error={failed} />
        </form>
      )}
    </section>
  );
}
