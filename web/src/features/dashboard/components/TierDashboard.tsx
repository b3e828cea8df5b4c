import { useMemo, useState } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { usePoll } from '../../../lib/usePoll.ts';
import { tierReadiness, type Tier } from '../api.ts';
import { MeasureView } from './MeasureView.tsx';

/**
 * The four tiers side by side: pick a tier (military, civil, economic, cyber, territorial defence) and one of its
 * measures to colour the map; the table beside it has every measure of that tier per region.
 */
export function TierDashboard() {
  const { t, lang } = useI18n();
  const [tier, setTier] = useState<Tier>('military');
  const [chosen, setChosen] = useState<Partial<Record<Tier, string>>>({});
  const { data, error } = usePoll(tierReadiness, 30_000, []);
  const measures = data?.tiers.find((x) => x.tier === tier)?.measures ?? [];
  const measure = chosen[tier] ?? measures[0] ?? '';
  const rows = useMemo(() => (data?.regions ?? []).map((r) => ({ iso: r.iso, name: r.name[lang], values: r.values[tier] })), [data, lang, tier]);
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
        <MeasureView
          measures={measures}
          measure={measure}
          onMeasure={(m) => setChosen({ ...chosen, [tier]: m })}
          selectName="tier-measure"
          label={(m) => t(`tiers.m.${tier}.${m}` as Key)}
          rows={rows}
          tableLabel={t('tiers.tableLabel', { tier: t(`tiers.tier.${tier}` as Key) })}
          tableData={{ 'data-tier': tier }}
          note={t('tiers.asOf', { date: data.on })}
        />
      )}
    </section>
  );
}
