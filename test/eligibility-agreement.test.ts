import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { seededRng, type Rng } from '../src/kernel/rng.ts';
import {
  SUBJECTS,
  ageOn,
  countEligible,
  findRuleSet,
  formatIssue,
  isEligible,
  loadPack,
  parseRuleSetText,
  type RuleSet,
} from '../src/modules/eligibility/index.ts';
import { MIL_CATEGORIES, type PersonRecord } from '../src/modules/registry/index.ts';
import { generatePersons } from '../src/modules/registry/synthetic.ts';
import { freshDb } from './helpers/db.ts';
import { insertPersons, sqlSelection } from './helpers/eligibility.ts';

/**
 * The SQL compiler and the evaluator must agree on every person: checked on a seeded synthetic registry of 20,000
 * persons, for every rule set of the pack on several reference dates (leap days included), and for randomly built
 * condition trees over every field and comparison, negations and missing values included. Seeds and dates pinned.
 */
const TODAY = '2026-11-23';
const DATES = ['2026-11-23', '2026-12-01', '2027-02-28', '2028-02-29', '2031-06-15'];
const PERSONS = [...generatePersons({ count: 20_000, seed: 2026, today: TODAY })];
const pack = loadPack();
const KZ_RULES = ['compulsory-military-training', 'essential-worker-reservation', 'military-registration', 'reserve-officer-callup'];
let db: Db;

before(async () => {
  db = await freshDb();
  await insertPersons(db, PERSONS);
});
after(async () => {
  await db.close();
});

function evaluatorSelection(rs: RuleSet, on: string): string[] {
  return PERSONS.filter((p) => isEligible(rs, p, on)).map((p) => p.iin).sort();
}

function assertSame(rs: RuleSet, on: string, sql: string[], what: string): void {
  const ev = evaluatorSelection(rs, on);
  if (sql.length === ev.length && sql.every((iin, i) => iin === ev[i])) return;
  const inSql = new Set(sql);
  const inEv = new Set(ev);
  const onlySql = sql.filter((i) => !inEv.has(i)).slice(0, 3);
  const onlyEv = ev.filter((i) => !inSql.has(i)).slice(0, 3);
  const show = (iin: string) => JSON.stringify(PERSONS.find((p) => p.iin === iin));
  assert.fail(`${what} on ${on}: SQL selects ${sql.length}, the evaluator ${ev.length}\nonly SQL: ${onlySql.map(show).join('\n')}\nonly evaluator: ${onlyEv.map(show).join('\n')}`);
}

test('every rule set of the pack selects the same persons in SQL as in the evaluator', async () => {
  for (const rs of pack.ruleSets) {
    for (const on of DATES) {
      const sql = await sqlSelection(db, findRuleSet(pack, rs.id, on).ruleSet, on);
      assertSame(rs, on, sql, rs.id);
      if (on === TODAY && KZ_RULES.includes(rs.id)) assert.ok(sql.length > 20 && sql.length < PERSONS.length - 20, `${rs.id} selects ${sql.length}: too few or too many to tell anything`);
    }
  }
});

test('counts by region × specialty and by age agree with the evaluator', async () => {
  const on = '2026-12-01';
  const rs = findRuleSet(pack, 'reserve-officer-callup', on).ruleSet;
  const expected = new Map<string, number>();
  for (const p of PERSONS) if (isEligible(rs, p, on)) expected.set(`${p.region}|${p.specialty}`, (expected.get(`${p.region}|${p.specialty}`) ?? 0) + 1);
  const got = await countEligible(db, rs, on, ['region', 'specialty']);
  assert.deepEqual(new Map(got.groups.map((g) => [`${g.key.region}|${g.key.specialty}`, g.count])), expected);
  assert.equal(got.total, [...expected.values()].reduce((a, b) => a + b, 0));
  assert.ok(got.groups.length > 10, `only ${got.groups.length} groups`);

  const training = findRuleSet(pack, 'compulsory-military-training', '2028-02-29').ruleSet;
  const byAge = new Map<number, number>();
  for (const p of PERSONS) if (isEligible(training, p, '2028-02-29')) byAge.set(ageOn(p.birth_date, '2028-02-29'), (byAge.get(ageOn(p.birth_date, '2028-02-29')) ?? 0) + 1);
  const ages = await countEligible(db, training, '2028-02-29', ['age']);
  assert.deepEqual(new Map(ages.groups.map((g) => [g.key.age as number, g.count])), byAge);
});

// ---------------------------------------------------------------------------------------------------------------
// Random condition trees.

const OPS: Record<string, string[]> = {
  enum: ['eq', 'ne', 'in', 'not_in', 'present'],
  text: ['eq', 'ne', 'in', 'not_in', 'present'],
  bool: ['eq', 'ne'],
  date: ['eq', 'ne', 'in', 'not_in', 'lt', 'le', 'gt', 'ge', 'between'],
  number: ['eq', 'ne', 'in', 'not_in', 'lt', 'le', 'gt', 'ge', 'between'],
};
const NUMBER_RANGE: Record<string, [number, number]> = { age: [14, 82], age_at_year_end: [14, 82], youngest_child_age: [0, 40], children_count: [0, 5] };

/** Values a field takes in the registry, so that random thresholds fall among real values. */
function observed(field: string): unknown[] {
  const s = SUBJECTS.get(field);
  if (s?.values) return [...s.values()];
  return [...new Set(PERSONS.slice(0, 2000).map((p) => p[field as keyof PersonRecord]).filter((v) => v !== null && v !== ''))];
}

function randomValue(rng: Rng, field: string): unknown {
  const s = SUBJECTS.get(field);
  if (!s) throw new Error(field);
  if (s.type === 'bool') return rng.chance(0.5);
  if (s.type === 'number') {
    const [lo, hi] = NUMBER_RANGE[field] as [number, number];
    return rng.int(lo, hi);
  }
  if (field === 'mil_category') return rng.pick(MIL_CATEGORIES);
  return rng.pick(observed(field));
}

function randomTest(rng: Rng): Record<string, unknown> {
  const field = rng.pick([...SUBJECTS.keys()]);
  const s = SUBJECTS.get(field);
  if (!s) throw new Error(field);
  const op = rng.pick(OPS[s.type]?.filter((o) => o !== 'present' || s.nullable) ?? []);
  if (op === 'present') return { field, present: rng.chance(0.5) };
  if (op === 'in' || op === 'not_in') {
    const n = rng.int(1, 4);
    const values = [...new Set(Array.from({ length: n }, () => randomValue(rng, field)))];
    return { field, [op]: values };
  }
  if (op === 'between') {
    const a = randomValue(rng, field) as string | number;
    const b = randomValue(rng, field) as string | number;
    return { field, between: a <= b ? [a, b] : [b, a] };
  }
  return { field, [op]: randomValue(rng, field) };
}

function randomTree(rng: Rng, depth: number): Record<string, unknown> {
  const u = rng.next();
  if (depth === 0 || u < 0.4) return randomTest(rng);
  if (u < 0.55) return { not: randomTree(rng, depth - 1) };
  const kids = Array.from({ length: rng.int(1, 3) }, () => randomTree(rng, depth - 1));
  return u < 0.8 ? { all: kids } : { any: kids };
}

test('random condition trees over every field and comparison select the same persons both ways', async () => {
  const rng = seededRng(31_337);
  let nonTrivial = 0;
  const fields = new Set<string>();
  for (let i = 0; i < 160; i++) {
    const when = randomTree(rng, 3);
    JSON.stringify(when, (k, v) => (k === 'field' ? fields.add(v as string) && v : v));
    const text = JSON.stringify({ id: `random-${i}`, version: '1', title: 'random', effective: { from: '2000-01-01' }, citation: { document: 'test', article: String(i) }, when });
    const parsed = parseRuleSetText(text, `random-${i}.json`);
    assert.ok(parsed.ruleSet, parsed.issues.map(formatIssue).join('\n'));
    const on = rng.pick(DATES);
    const sql = await sqlSelection(db, parsed.ruleSet, on);
    assertSame(parsed.ruleSet, on, sql, `random tree ${i} ${JSON.stringify(when)}`);
    if (sql.length > 0 && sql.length < PERSONS.length) nonTrivial++;
  }
  assert.ok(nonTrivial > 60, `only ${nonTrivial} of 160 random trees split the registry`);
  assert.deepEqual([...SUBJECTS.keys()].filter((f) => !fields.has(f)), [], 'every field appears in some tree');
});
