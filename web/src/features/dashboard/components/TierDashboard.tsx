import { useMemo, useState } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { usePoll } from '../../../lib/usePoll.ts';
import { tierReadiness, type Tier } from '../api.ts';
import { RegionMap } from './RegionMap.tsx';

/**
 * The four tiers side by side: pick a tier (military, civil, economic, cyber, territorial defence) and one of its
 * measures to colour the map; the table beside it has every measure of that tier per region.
 */
export function TierDashboard() {
  const { t, num, lang } = useI18n();
  const [tier, setTier] = useState<Tier>('military');
  const [chosen, setChosen] = useState<Partial<Record<Tier, string>>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const { data, error } = usePoll(tierReadiness, 30_000, []);
  const measures = data?.tiers.find((x) => x.tier === tier)?.measures ?? [];
  const measure = chosen[tier] ?? measures[0] ?? '';
  const names = useMemo(() => new Map((data?.regions ?? []).map((r) => [r.iso, r.name[lang]])), [data, lang]);
  const values = useMemo(() => new Map((data?.regions ?? []).map((r) => [r.iso, r.values[tier][measure] ?? 0])), [data, tier, measure]);
  const label = (m: string) => t(`tiers.m.${tier}.${m}` as Key);
  return (
    <section className="dashboard tiers">
      <h1>{t('tiers.title')}</h1>
      <ErrorNote error={error} />
      <div className="toolbar" role="tablist" aria-label={t('tiers.tierLabel')}>
        {data?.tiers.map((x) => (
          <button key={x.tier} type="button" role="tab" aria-selected={x.tier === tier} className={x.tier === tier ? 'chosen' : ''} onClick={() => setTier(x.tier)} data-tier={x.tier}>
            {t(`tiers.tier.${x.tier}` as Key)}
          </button>
        ))}
      </div>
      {data && (
        <>
          <div className="toolbar">
            <label>
              {t('dashboard.measure')}
              <select name="tier-measure" value={measure} onChange={(e) => setChosen({ ...chosen, [tier]: e.target.value })}>
                {measures.map((m) => (
                  <option key={m} value={m}>
                    {label(m)}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted">{t('tiers.asOf', { date: data.on })}</span>
          </div>
          <div className="split">
            <RegionMap values={values} names={names} selected={selected} onSelect={setSelected} measureName={label(measure)} />
            <div className="scroll">
              <table className="data" aria-label={t('tiers.tableLabel', { tier: t(`tiers.tier.${tier}` as Key) })} data-tier={tier}>
                <thead>
                  <tr>
                    <th>{t('dashboard.region')}</th>
                    {measures.map((m) => (
                      <th key={m} className={m === measure ? 'num chosen' : 'num'} data-measure={m}>
                        {label(m)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[...data.regions]
                    .sort((a, b) => (b.values[tier][measure] ?? 0) - (a.values[tier][measure] ?? 0) || a.iso.localeCompare(b.iso))
                    .map((r) => (
                      <tr key={r.iso} className={r.iso === selected ? 'selected' : ''} onClick={() => setSelected(r.iso)} data-iso={r.iso}>
                        <td>{r.name[lang]}</td>
                        {measures.map((m) => (
                          <td key={m} className={m === measure ? 'num chosen' : 'num'} data-measure={m}>
                            {num(r.values[tier][m] ?? 0)}
                          </td>
                        ))}
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
