import { useI18n, type Key } from '../../../i18n/index.tsx';
import { useNames } from '../../../lib/reference.ts';
import type { Evaluation, Explanation } from '../api.ts';

const OP: Record<string, string> = { eq: '=', ne: '≠', lt: '<', le: '≤', gt: '>', ge: '≥', in: '∈', not_in: '∉', between: '∈' };
// A failed test shows the relation that does hold ("age 31 > 29"), as the server's own explanation text does.
const OPPOSITE: Record<string, string> = { eq: 'ne', ne: 'eq', lt: 'ge', le: 'gt', gt: 'le', ge: 'lt', in: 'not_in', not_in: 'in', between: 'not_in' };
// Fields whose values are codes of a vocabulary the dictionaries name.
const VOCAB: Record<string, string> = { mil_category: 'milCategory', mil_exemption: 'milExemption', fitness: 'fitness', sector: 'sector', employment: 'employment', sex: 'sex' };

function Node({ x }: { x: Explanation }) {
  const { t, v } = useI18n();
  const names = useNames();
  const one = (val: unknown): string => {
    if (val === null || val === undefined) return t('explain.none');
    if (typeof val === 'boolean') return t(val ? 'common.yes' : 'common.no');
    if (x.field === 'specialty') return names.specialty(String(val));
    if (x.field === 'region') return names.region(String(val));
    const group = VOCAB[x.field ?? ''];
    return group ? v(group, String(val)) : String(val);
  };
  const show = (val: unknown): string => (Array.isArray(val) ? `[${val.map(one).join(', ')}]` : one(val));
  let line: string;
  if (x.kind === 'test') {
    const field = v('field', x.field);
    const op = x.passed || x.value === null ? (x.op ?? '') : (OPPOSITE[x.op ?? ''] ?? x.op ?? '');
    const threshold = x.op === 'between' && Array.isArray(x.threshold) ? `[${one(x.threshold[0])}..${one(x.threshold[1])}]` : show(x.threshold);
    line = x.op === 'present' ? `${field}: ${x.value === null ? t('explain.empty') : show(x.value)}` : `${field}: ${show(x.value)} ${OP[op] ?? op} ${threshold}`;
  } else {
    line = t(`explain.${x.kind}` as Key);
  }
  return (
    <li className={x.passed ? 'pass' : 'fail'}>
      <span className="mark" aria-label={x.passed ? t('explain.met') : t('explain.notMet')}>
        {x.passed ? '✓' : '✗'}
      </span>{' '}
      {line}
      {x.label && <span className="muted"> — {x.label}</span>}
      {x.ref && <span className="muted"> [{x.ref}]</span>}
      {x.children && (
        <ul>
          {x.children.map((c, i) => (
            <Node key={i} x={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * One rule set's verdict with every condition, the person's value and the threshold. The field names and the
 * verdict are in the user's language; the condition labels are the rule pack's own (written in English).
 */
export function EvaluationView({ e }: { e: Evaluation }) {
  const { t } = useI18n();
  return (
    <details className="evaluation" open={e.ruleSet.id === 'reserve-mobilization' || e.ruleSet.id === 'reserve-officer-callup'}>
      <summary>
        <strong className={e.eligible ? 'ok' : 'no'}>{e.eligible ? t('explain.eligible') : t('explain.notEligible')}</strong> {e.ruleSet.title}{' '}
        <span className="muted">
          ({e.ruleSet.id} v{e.ruleSet.version}; {e.ruleSet.citation.document}, {e.ruleSet.citation.article})
        </span>
      </summary>
      <ul className="tree">
        <Node x={e.explanation} />
      </ul>
    </details>
  );
}
