import { useState, type FormEvent } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { ApiError } from '../../../lib/http.ts';
import { useNames } from '../../../lib/reference.ts';
import { navigate } from '../../../lib/router.ts';
import type { StaffUser } from '../../auth/api.ts';
import { createPlan, type Order } from '../api.ts';

const AGENCIES = ['armed_forces', 'border_service', 'national_guard', 'emergencies'] as const;

interface Row {
  agency: string;
  specialty: string;
  region: string;
  count: number;
}

const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * A call-up order as a form: who may be called (a rule set of the pack), when to appear, and how many of which
 * specialty for which receiving agency. A regional officer's quotas default to their own region, served there.
 */
export function OrderForm({ user }: { user: StaffUser }) {
  const { t, lang } = useI18n();
  const names = useNames();
  const ref = names.ref;
  const home = user.region ?? 'KZ-71';
  const [title, setTitle] = useState('');
  const [orderId, setOrderId] = useState('');
  const [basis, setBasis] = useState('');
  const [ruleSet, setRuleSet] = useState('reserve-mobilization');
  const [territorial, setTerritorial] = useState(Boolean(user.region));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<Row[]>([{ agency: 'armed_forces', specialty: 'medical', region: user.region ?? '', count: 5 }]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!ref) return <p className="muted">{t('app.loading')}</p>;
  const today = ref.today;
  const setRow = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const used = [...new Set(rows.map((r) => r.agency))];
    const order: Order = {
      id: orderId || `${home.toLowerCase()}-callup-${today}`,
      title: title || t('order.defaultTitle'),
      legal_basis: { document: basis || t('order.defaultBasis') },
      rule_set: ruleSet,
      reference_date: today,
      appearance: { from: from || addDays(today, 4), to: to || addDays(today, 30) },
      territorial,
      agencies: Object.fromEntries(used.map((a) => [a, { name: t(`agency.${a}` as Key), region: home }])),
      quotas: rows.map((r) => ({ agency: r.agency, specialty: r.specialty, ...(r.region ? { region: r.region } : {}), count: r.count })),
    };
    setBusy(true);
    setError(null);
    try {
      const { id } = await createPlan(order);
      navigate(`/callup/${id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const issues = error instanceof ApiError ? ((error.details.issues as { path: string; message: string }[] | undefined) ?? []) : [];
  return (
    <form className="card" onSubmit={submit} aria-label={t('order.title')}>
      <h1>{t('order.title')}</h1>
      <div className="grid2">
        <label>
          {t('order.name')}
          <input name="title" value={title} placeholder={t('order.defaultTitle')} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t('order.id')}
          <input name="orderId" value={orderId} placeholder={`${home.toLowerCase()}-callup-${today}`} pattern="[a-z][a-z0-9_\-]*" onChange={(e) => setOrderId(e.target.value)} />
        </label>
        <label>
          {t('order.basis')}
          <input name="basis" value={basis} placeholder={t('order.defaultBasis')} onChange={(e) => setBasis(e.target.value)} />
        </label>
        <label>
          {t('order.ruleSet')}
          <select name="ruleSet" value={ruleSet} onChange={(e) => setRuleSet(e.target.value)}>
            {[...new Map(ref.ruleSets.map((r) => [r.id, r])).values()].map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('order.from')}
          <input name="from" type="date" value={from || addDays(today, 4)} min={addDays(today, 3)} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('order.to')}
          <input name="to" type="date" value={to || addDays(today, 30)} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      <label className="check">
        <input name="territorial" type="checkbox" checked={territorial} onChange={(e) => setTerritorial(e.target.checked)} /> {t('order.territorial')}
      </label>
      <h2>{t('order.quotas')}</h2>
      <table className="data">
        <thead>
          <tr>
            <th>{t('order.agency')}</th>
            <th>{t('person.specialty')}</th>
            <th>{t('dashboard.region')}</th>
            <th className="num">{t('order.count')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid="quota-row">
              <td>
                <select name="agency" aria-label={t('order.agency')} value={r.agency} onChange={(e) => setRow(i, { agency: e.target.value })}>
                  {AGENCIES.map((a) => (
                    <option key={a} value={a}>
                      {t(`agency.${a}` as Key)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select name="specialty" aria-label={t('person.specialty')} value={r.specialty} onChange={(e) => setRow(i, { specialty: e.target.value })}>
                  {ref.specialties.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.name[lang]}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select name="region" aria-label={t('dashboard.region')} value={r.region} onChange={(e) => setRow(i, { region: e.target.value })}>
                  <option value="">{t('order.anyRegion')}</option>
                  {ref.regions.map((x) => (
                    <option key={x.iso} value={x.iso}>
                      {x.name[lang]}
                    </option>
                  ))}
                </select>
              </td>
              <td className="num">
                <input name="count" aria-label={t('order.count')} type="number" min={1} max={100000} value={r.count} onChange={(e) => setRow(i, { count: Math.max(1, Number(e.target.value) || 1) })} />
              </td>
              <td>
                <button type="button" className="link" disabled={rows.length === 1} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  {t('order.removeRow')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" onClick={() => setRows([...rows, { agency: rows[rows.length - 1]?.agency ?? 'armed_forces', specialty: 'medical', region: user.region ?? '', count: 1 }])}>
          {t('order.addRow')}
        </button>
      </p>
      <ErrorNote error={error} />
      {issues.length > 0 && (
        <ul className="error">
          {issues.map((x, i) => (
            <li key={i}>
              {x.path}: {x.message}
            </li>
          ))}
        </ul>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('order.planning') : t('order.submit')}
      </button>
    </form>
  );
}
