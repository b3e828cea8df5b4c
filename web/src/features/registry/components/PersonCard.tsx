import { useI18n, type Key } from '../../../i18n/index.tsx';
import { ErrorNote } from '../../../lib/ErrorNote.tsx';
import { useNames } from '../../../lib/reference.ts';
import { usePoll } from '../../../lib/usePoll.ts';
import { card } from '../api.ts';
import { EvaluationView } from './Explanation.tsx';

// Fields shown in the card, in order, with how each value is shown: as is, yes/no, or from a vocabulary.
const FIELDS: [string, 'text' | 'bool' | 'date' | 'region' | 'specialty' | `vocab:${string}`][] = [
  ['iin', 'text'], ['birth_date', 'date'], ['sex', 'vocab:sex'], ['region', 'region'], ['district', 'text'], ['address', 'text'],
  ['mobile', 'text'], ['mobile_on_egov', 'bool'], ['egov_account', 'bool'],
  ['mil_registered', 'bool'], ['mil_exemption', 'vocab:milExemption'], ['mil_category', 'vocab:milCategory'], ['rank', 'text'],
  ['specialty', 'specialty'], ['fitness', 'vocab:fitness'], ['served', 'bool'],
  ['occupation', 'text'], ['sector', 'vocab:sector'], ['employer_bin', 'text'], ['employment', 'vocab:employment'], ['volunteer', 'bool'],
  ['serving_sentence', 'bool'], ['resides_abroad', 'bool'],
];

/** One person: the record, eligibility under every rule set in effect today with the reasons, and the history. */
export function PersonCard({ iin }: { iin: string }) {
  const { t, v, date, dateTime } = useI18n();
  const names = useNames();
  const { data, error } = usePoll(() => card(iin), 0, [iin]);
  const shown = (value: unknown, how: (typeof FIELDS)[number][1]): string => {
    if (value === null || value === undefined || value === '') return '—';
    if (how === 'bool') return t(value ? 'common.yes' : 'common.no');
    if (how === 'date') return date(String(value));
    if (how === 'region') return names.region(String(value));
    if (how === 'specialty') return names.specialty(String(value));
    if (how.startsWith('vocab:')) return v(how.slice(6), String(value));
    return String(value);
  };
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p className="muted">{t('app.loading')}</p>;
  const p = data.person;
  return (
    <section>
      <h1 data-testid="person-name">{[p.last_name, p.first_name, p.patronymic].filter(Boolean).join(' ')}</h1>
      <div className="split">
        <table className="data fields" aria-label={t('person.record')}>
          <tbody>
            {FIELDS.map(([f, how]) => (
              <tr key={f}>
                <th>{v('field', f)}</th>
                <td className={f === 'iin' ? 'mono' : ''}>{shown(p[f], how)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div>
          <h2>{t('person.eligibility', { date: date(data.eligibility.on) })}</h2>
          {data.eligibility.evaluations.map((e) => (
            <EvaluationView key={e.ruleSet.id} e={e} />
          ))}
          {data.eligibility.notInEffect.length > 0 && <p className="muted">{t('person.notInEffect', { ids: data.eligibility.notInEffect.join(', ') })}</p>}
        </div>
      </div>
      <h2>{t('person.history')}</h2>
      <table className="data" aria-label={t('person.history')}>
        <thead>
          <tr>
            <th>{t('history.at')}</th>
            <th>{t('history.kind')}</th>
            <th>{t('history.actor')}</th>
            <th>{t('history.source')}</th>
            <th>{t('history.changes')}</th>
          </tr>
        </thead>
        <tbody>
          {data.history.map((h, i) => (
            <tr key={i}>
              <td>{dateTime(h.at)}</td>
              <td>{t(`history.${h.kind}` as Key)}</td>
              <td>{h.actor}</td>
              <td>{h.source}</td>
              <td>
                {h.kind === 'create'
                  ? t('history.created', { n: Object.keys(h.changes).length })
                  : Object.entries(h.changes)
                      .map(([f, [a, b]]) => `${v('field', f)}: ${a === null ? '—' : String(a)} → ${b === null ? '—' : String(b)}`)
                      .join('; ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
