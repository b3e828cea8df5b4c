import { useState } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { getPlan, issuePlan, planAction, PURPOSES } from '../api.ts';

/**
 * A plan: its places per cell with shortfalls and their reasons, its action log, and the next step — approval by
 * a second person, then issuing the summonses for an appearance time within the order's period.
 */
export function PlanView({ user, id }: { user: StaffUser; id: string }) {
  const { t, v, num, dateTime } = useI18n();
  const names = useNames();
  const { data: plan, error, reload } = usePoll(() => getPlan(id), 0, [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [issued, setIssued] = useState<{ summonses: number } | null>(null);
  const [appearance, setAppearance] = useState('');
  const [purpose, setPurpose] = useState<string>('dispatch_to_unit');
  const [busy, setBusy] = useState(false);
  if (error) return <ErrorNote error={error} />;
  if (!plan) return <p className="muted">{t('app.loading')}</p>;
  const status = plan.state.status;
  const mayAct = can(user, 'callupWrite');
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await fn();
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const when = appearance || `${plan.order.appearance.from}T09:00`;
  return (
    <section>
      <h1>{plan.order.title}</h1>
      <p>
        <span className={`status ${status}`} data-testid="plan-status">{t(`planStatus.${status}` as Key)}</span>{' '}
        <span className="muted">
          {plan.orderId} v{plan.version} · {t('callup.ruleSet')}: {plan.report.ruleSet} · {t('callup.appearance')}: {plan.order.appearance.from} – {plan.order.appearance.to}
        </span>
      </p>
      <div className="totals">
        <div><span>{t('callup.quota')}</span><strong>{num(plan.report.totals.quota)}</strong></div>
        <div><span>{t('callup.filled')}</span><strong>{num(plan.report.totals.filled)}</strong></div>
        <div className={plan.report.totals.shortfall > 0 ? 'warn' : ''}><span>{t('callup.shortfall')}</span><strong data-testid="shortfall-total">{num(plan.report.totals.shortfall)}</strong></div>
      </div>
      {plan.removals.length > 0 && (
        <p className="warn" data-testid="plan-removals">
          {t('callup.removed', { n: num(plan.removals.reduce((n, r) => n + r.removed, 0)), m: num(plan.shortfallAfterRemovals) })}
        </p>
      )}
      <table className="data" aria-label={t('callup.cells')}>
        <thead>
          <tr>
            <th>{t('order.agency')}</th>
            <th>{t('person.specialty')}</th>
            <th>{t('callup.serving')}</th>
            <th className="num">{t('callup.quota')}</th>
            <th className="num">{t('callup.filled')}</th>
            <th className="num">{t('callup.shortfall')}</th>
            <th>{t('callup.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.report.cells.map((c) => (
            <tr key={c.index} className={c.shortfall > 0 ? 'short' : ''}>
              <td>{v('agency', c.agency)}</td>
              <td>{names.specialty(c.specialty)}</td>
              <td>{names.region(c.receivingRegion)}</td>
              <td className="num">{num(c.quota)}</td>
              <td className="num">{num(c.filled)}</td>
              <td className="num">{num(c.shortfall)}</td>
              <td className="muted">{c.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {mayAct && status === 'draft' && (
        <p className="actions">
          <button disabled={busy} onClick={() => act(() => planAction(plan.id, 'approve'))}>{t('callup.approve')}</button>
          <button disabled={busy} className="secondary" onClick={() => act(() => planAction(plan.id, 'withdraw'))}>{t('callup.withdraw')}</button>
          <span className="muted">{t('callup.twoPerson', { author: plan.state.author })}</span>
        </p>
      )}
      {mayAct && status === 'approved' && (
        <div className="card actions">
          <label>
            {t('callup.appearanceAt')}
            <input name="appearanceAt" type="datetime-local" value={when} onChange={(e) => setAppearance(e.target.value)} />
          </label>
          <label>
            {t('callup.purpose')}
            <select name="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
              {PURPOSES.map((p) => (
                <option key={p} value={p}>{v('purpose', p)}</option>
              ))}
            </select>
          </label>
          <button disabled={busy} onClick={() => act(async () => setIssued(await issuePlan(plan.id, `${when.slice(0, 16)}:00+05:00`, purpose)))}>{t('callup.issue')}</button>
          <span className="muted">{t('callup.kzTime')}</span>
        </div>
      )}
      {issued && <p className="ok" role="status">{t('callup.issued', { n: num(issued.summonses) })}</p>}
      {status === 'issued' && can(user, 'summonses') && (
        <p>
          <Link to={`/summonses?plan=${plan.id}`} className="button">{t('callup.trackSummonses')}</Link>
        </p>
      )}
      <ErrorNote error={actionError} />
      <h2>{t('callup.log')}</h2>
      <ol className="log">
        {plan.log.map((e) => (
          <li key={e.seq}>
            {dateTime(e.at)} — {e.actor}: {v('planAction', e.action)}
            {e.note ? ` (${e.note})` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
