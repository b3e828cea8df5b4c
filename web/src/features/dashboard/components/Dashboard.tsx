import { useMemo, useState } from 'react';
import { useI18n, type Key } from '../../../i18n/index.tsx';
import { usePoll } from '../../../lib/usePoll.ts';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { MEASURES, readiness, type Measure } from '../api.ts';
import { MeasureView } from './MeasureView.tsx';

/** Readiness: a map of the regions coloured by one measure, and every measure per region in a table beside it. */
export function Dashboard() {
  const { t, lang } = useI18n();
  const [measure, setMeasure] = useState<Measure>('reserve');
  const { data, error } = usePoll(readiness, 0, []);
  const rows = useMemo(
    () => (data?.regions ?? []).map((r) => ({ iso: r.iso, name: r.name[lang], values: Object.fromEntries(MEASURES.map((m) => [m, r[m]])) })),
    [data, lang],
  );
  return (
    <section className="dashboard">
      <h1>{t('dashboard.title')}</h1>
      <ErrorNote error={error} />
      {data && (
        <MeasureView
          measures={MEASURES}
          measure={measure}
          onMeasure={(m) => setMeasure(m as Measure)}
          selectName="measure"
          label={(m) => t(`measure.${m}` as Key)}
          rows={rows}
          totals={data.totals}
          tableLabel={t('dashboard.tableLabel')}
          note={t('dashboard.asOf', { date: data.on, liable: data.ruleSets.liable, essential: data.ruleSets.essentialWorkers })}
        />
      )}
    </section>
  );
}
