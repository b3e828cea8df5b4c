import { useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { RegionMap } from './RegionMap.tsx';

export interface RegionRow {
  iso: string;
  name: string;
  values: Readonly<Record<string, number>>;
}

/**
 * A measure picker, the map of the regions coloured by the chosen measure, and every measure per region in a table
 * beside it, sorted by the chosen one (both dashboards are this, over different measures).
 */
export function MeasureView(props: {
  measures: readonly string[];
  measure: string;
  onMeasure(m: string): void;
  /** The picker's form name, which tests and forms address it by. */
  selectName: string;
  label(m: string): string;
  rows: readonly RegionRow[];
  totals?: Readonly<Record<string, number>>;
  tableLabel: string;
  /** Shown beside the picker (the date and basis of the figures). */
  note: ReactNode;
  /** Extra attributes of the table (data-tier). */
  tableData?: Record<`data-${string}`, string>;
}) {
  const { t, num } = useI18n();
  const { measures, measure, label, rows } = props;
  const [selected, setSelected] = useState<string | null>(null);
  const names = useMemo(() => new Map(rows.map((r) => [r.iso, r.name])), [rows]);
  const values = useMemo(() => new Map(rows.map((r) => [r.iso, r.values[measure] ?? 0])), [rows, measure]);
  const value = (r: RegionRow, m: string) => r.values[m] ?? 0;
  return (
    <>
      <div className="toolbar">
        <label>
          {t('dashboard.measure')}
          <select name={props.selectName} value={measure} onChange={(e) => props.onMeasure(e.target.value)}>
            {measures.map((m) => (
              <option key={m} value={m}>
                {label(m)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{props.note}</span>
      </div>
      <div className="split">
        <RegionMap values={values} names={names} selected={selected} onSelect={setSelected} measureName={label(measure)} />
        <div className="scroll">
          <table className="data" aria-label={props.tableLabel} {...props.tableData}>
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
              {[...rows]
                .sort((a, b) => value(b, measure) - value(a, measure) || a.iso.localeCompare(b.iso))
                .map((r) => (
                  <tr key={r.iso} className={r.iso === selected ? 'selected' : ''} onClick={() => setSelected(r.iso)} data-iso={r.iso}>
                    <td>{r.name}</td>
                    {measures.map((m) => (
                      <td key={m} className={m === measure ? 'num chosen' : 'num'} data-measure={m}>
                        {num(value(r, m))}
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
            {props.totals && (
              <tfoot>
                <tr>
                  <th>{t('dashboard.total')}</th>
                  {measures.map((m) => (
                    <th key={m} className="num">
                      {num(props.totals?.[m] ?? 0)}
                    </th>
                  ))}
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      </div>
    </>
  );
}
