import { useI18n } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { Link } from '../../../lib/Link.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import type { StaffUser } from '../../auth/api.ts';
import { compensation, formatTenge, listRequisitions } from '../api.ts';
import { EconomyTabs } from './EconomyTabs.tsx';

/** Requisitions with what each is worth and what is still owed, and the compensation totals per region. */
export function Requisitions({ user }: { user: StaffUser }) {
  const { t, v, num, dateTime } = useI18n();
  const names = useNames();
  const list = usePoll(listRequisitions, 10_000, []);
  const totals = usePoll(compensation, 10_000, []);
  const money = (n: number) => formatTenge(n, num);
  return (
    <section>
      <h1>{t('economy.requisitions')}</h1>
      <EconomyTabs user={user} />
      <ErrorNote error={list.error} />
      {list.data && list.data.requisitions.length === 0 && <p className="muted">{t('economy.noRequisitions')}</p>}
      {list.data && list.data.requisitions.length > 0 && (
        <table className="data" aria-label={t('economy.requisitions')}>
          <thead><tr><th>№</th><th>{t('economy.owner')}</th><th>{t('economy.region')}</th><th>{t('economy.purpose')}</th><th>{t('economy.state')}</th><th className="num">{t('economy.value')}</th><th className="num">{t('economy.balance')}</th><th>{t('economy.when')}</th></tr></thead>
          <tbody>
            {list.data.requisitions.map((r) => (
              <tr key={r.id}>
                <td><Link to={`/economy/requisitions/${r.id}`}>{r.id}</Link></td>
                <td>{r.ownerName ?? r.owner} <span className="muted">{r.ownerKind === 'enterprise' ? t('economy.bin') : 'IIN'} {r.owner}</span></td>
                <td>{names.region(r.region)}</td>
                <td>{r.purpose}</td>
                <td><span className={`status ${r.state}`}>{v('reqState', r.state)}</span></td>
                <td className="num">{money(r.valueTiyn)}</td>
                <td className="num">{money(r.balanceTiyn)}</td>
                <td>{dateTime(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('economy.totals')}</h2>
      <ErrorNote error={totals.error} />
      {totals.data && (
        <table className="data" aria-label={t('economy.totals')}>
          <thead><tr><th>{t('economy.region')}</th><th className="num">{t('economy.requisitions')}</th><th className="num">{t('economy.owed')}</th><th className="num">{t('economy.returned')}</th><th className="num">{t('economy.damaged')}</th><th className="num">{t('economy.paid')}</th><th className="num">{t('economy.balance')}</th></tr></thead>
          <tbody>
            {totals.data.totals.map((x) => (
              <tr key={x.key}><td>{names.region(x.key)}</td><td className="num">{num(x.requisitions)}</td><td className="num">{money(x.owedTiyn)}</td><td className="num">{money(x.returnedTiyn)}</td><td className="num">{money(x.damageTiyn)}</td><td className="num">{money(x.paidTiyn)}</td><td className="num">{money(x.balanceTiyn)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
