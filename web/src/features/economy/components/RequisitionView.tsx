import { useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { ApiError } from '../../../lib/http.ts';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { can, type StaffUser } from '../../auth/api.ts';
import { decide, formatTenge, getRequisition, ledgerEntry, tiynOf, type RequisitionDetail } from '../api.ts';
import { EconomyTabs } from './EconomyTabs.tsx';

function StepError({ error, balance }: { error: unknown; balance: string }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.code === 'ECONOMY_SELF_APPROVAL') return <p className="error" role="alert">{t('economy.selfApproval')}</p>;
  if (error instanceof ApiError && error.code === 'ECONOMY_OVERPAYMENT') return <p className="error" role="alert">{t('economy.overpayment', { balance })}</p>;
  if (error === 'amount') return <p className="error" role="alert">{t('economy.badAmount')}</p>;
  return <ErrorNote error={error} />;
}

/** Payment, return and damage: the three entries an officer adds; what is owed comes from approval only. */
function LedgerForms({ r, onDone, balance }: { r: RequisitionDetail; onDone: () => void; balance: string }) {
  const { t } = useI18n();
  const [amount, setAmount] = useState('');
  const [on, setOn] = useState('');
  const [damage, setDamage] = useState({ amount: '', note: '' });
  const [error, setError] = useState<unknown>(null);
  const run = async (ev: FormEvent, body: Parameters<typeof ledgerEntry>[1] | null) => {
    ev.preventDefault();
    setError(null);
    if (!body) return setError('amount');
    try {
      await ledgerEntry(r.id, body);
      setAmount('');
      setDamage({ amount: '', note: '' });
      onDone();
    } catch (x) {
      setError(x);
    }
  };
  const paid = tiynOf(amount);
  const damaged = tiynOf(damage.amount);
  return (
    <div className="card">
      {r.totals.balance > 0 && (
        <form className="actions" aria-label={t('economy.pay')} onSubmit={(e) => run(e, paid ? { kind: 'paid', amountTiyn: paid } : null)}>
          <label>{t('economy.amount')}<input required inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} /></label>
          <button type="submit">{t('economy.pay')}</button>
        </form>
      )}
      {!r.totals.isReturned && (
        <form className="actions" aria-label={t('economy.return')} onSubmit={(e) => run(e, { kind: 'returned', ...(on ? { on } : {}) })}>
          <label>{t('economy.returnOn')}<input type="date" value={on} onChange={(e) => setOn(e.target.value)} /></label>
          <button type="submit" className="secondary">{t('economy.return')}</button>
        </form>
      )}
      {r.totals.isReturned && (
        <form className="actions" aria-label={t('economy.damage')} onSubmit={(e) => run(e, damaged ? { kind: 'damage', amountTiyn: damaged, note: damage.note } : null)}>
          <label>{t('economy.amount')}<input required inputMode="decimal" value={damage.amount} onChange={(e) => setDamage({ ...damage, amount: e.target.value })} /></label>
          <label>{t('economy.damageNote')}<input required minLength={10} value={damage.note} onChange={(e) => setDamage({ ...damage, note: e.target.value })} /></label>
          <button type="submit" className="secondary">{t('economy.damage')}</button>
        </form>
      )}
      <StepError error={error} balance={balance} />
    </div>
  );
}

/** A requisition: the items with every input of their valuation, the approvals, and the compensation ledger. */
export function RequisitionView({ user, id }: { user: StaffUser; id: string }) {
  const { t, v, num, date, dateTime } = useI18n();
  const names = useNames();
  const { data: r, error, reload } = usePoll(() => getRequisition(id), 0, [id]);
  const [stepError, setStepError] = useState<unknown>(null);
  if (error && !r) return <ErrorNote error={error} />;
  if (!r) return null;
  const money = (n: number) => formatTenge(n, num);
  const step = async (d: 'approve' | 'reject') => {
    setStepError(null);
    try {
      await decide(r.id, d);
      reload();
    } catch (x) {
      setStepError(x);
    }
  };
  const pct = (bp: number) => `${num(bp / 100)} %`;
  return (
    <section>
      <h1>№{r.id} · {r.purpose}</h1>
      <EconomyTabs user={user} />
      <p>
        <span className={`status ${r.state}`} data-testid="requisition-state">{v('reqState', r.state)}</span>{' '}
        <span className="muted">
          {r.owner.kind === 'enterprise' ? <Link to={`/economy/enterprises/${r.owner.bin}`}>{r.owner.name ?? r.owner.bin}</Link> : `IIN ${r.owner.iin}`} · {names.region(r.region)} · {t('economy.period')}: {date(r.useFrom)} – {date(r.useUntil)}
        </span>
      </p>
      <h2>{t('economy.items')}</h2>
      <p className="muted">{t('economy.method', { list: r.priceList })}</p>
      <table className="data" aria-label={t('economy.items')}>
        <thead><tr><th>{t('economy.description')}</th><th>{t('economy.kind')}</th><th className="num">{t('economy.quantity')}</th><th>{t('economy.condition')}</th><th className="num">{t('economy.age')}</th><th className="num">{t('economy.unitPrice')}</th><th className="num">{t('economy.market')}</th><th>{t('economy.override')}</th><th className="num">{t('economy.value')}</th></tr></thead>
        <tbody>
          {r.items.map((i, n) => (
            <tr key={n}>
              <td>{i.description}</td><td>{i.kind}</td><td className="num">{num(i.quantity)} {i.unit}</td>
              <td>{v('condition', i.condition)} ({pct(i.conditionBp)})</td>
              <td className="num">{i.ageYears} <span className="muted">(−{pct(i.depreciationBp)}/y, ≥ {pct(i.residualFloorBp)})</span></td>
              <td className="num">{money(i.unitPriceTiyn)}</td><td className="num">{money(i.marketValueTiyn)}</td>
              <td>{i.overrideTiyn === null ? '—' : `${money(i.overrideTiyn)} — ${i.overrideJustification}`}</td>
              <td className="num">{money(i.valueTiyn)}</td>
            </tr>
          ))}
          <tr><td colSpan={8}><strong>{t('economy.value')}</strong></td><td className="num"><strong>{money(r.valueTiyn)}</strong></td></tr>
        </tbody>
      </table>
      {r.state === 'draft' && (
        <div className="card actions">
          <span className="muted">{t('economy.twoPerson', { who: r.createdBy })}</span>
          {can(user, 'economyRequisition') && <button onClick={() => step('approve')}>{t('economy.approve')}</button>}
          {can(user, 'economyRequisition') && <button className="secondary" onClick={() => step('reject')}>{t('economy.reject')}</button>}
        </div>
      )}
      <StepError error={stepError} balance={money(r.totals.balance)} />
      <h2>{t('economy.ledger')}</h2>
      <table className="data" aria-label={t('economy.ledger')}>
        <thead><tr><th>№</th><th>{t('economy.when')}</th><th>{t('economy.kind')}</th><th className="num">{t('economy.amount')}</th><th>{t('economy.note')}</th><th>{t('economy.actor')}</th></tr></thead>
        <tbody>
          {r.ledger.map((e) => (
            <tr key={e.seq}><td>{e.seq}</td><td>{dateTime(e.at)}</td><td>{v('ledgerKind', e.kind)}</td><td className="num">{e.kind === 'paid' || e.kind === 'returned' ? '−' : '+'}{money(e.amountTiyn)}</td><td>{e.note ?? ''}</td><td>{e.actor}</td></tr>
          ))}
          <tr data-testid="balance"><td colSpan={3}><strong>{t('economy.balance')}</strong></td><td className="num"><strong>{money(r.totals.balance)}</strong></td><td colSpan={2} className="muted">{t('economy.owed')} {money(r.totals.owed)} − {t('economy.returned')} {money(r.totals.returned)} + {t('economy.damaged')} {money(r.totals.damage)} − {t('economy.paid')} {money(r.totals.paid)}</td></tr>
        </tbody>
      </table>
      {can(user, 'economyRequisition') && r.state !== 'draft' && r.state !== 'rejected' && <LedgerForms r={r} onDone={reload} balance={money(r.totals.balance)} />}
      {r.actions.map((a) => <p key={a.seq} className="muted">{dateTime(a.at)} · {a.action} · {a.actor}{a.note ? ` — ${a.note}` : ''}</p>)}
    </section>
  );
}
