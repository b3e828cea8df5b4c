import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { evaluate, findRuleSet, isEligible, loadPack, renderExplanation, resolveRuleSet, selectEligible, type RuleSet } from '../src/modules/eligibility/index.ts';
import type { PersonRecord } from '../src/modules/registry/index.ts';
import { syntheticBins } from '../src/modules/registry/synthetic.ts';
import { freshDb } from './helpers/db.ts';
import { insertPersons, sqlSelection, subject } from './helpers/eligibility.ts';

/**
 * Every rule of the Kazakhstan pack at its boundaries, checked twice: by the evaluator, and by the SQL compiler
 * on a database holding the same persons. Reference date 2026-12-01 unless a case says otherwise.
 */
const R = '2026-12-01';
const pack = loadPack();
const BIN = syntheticBins(7, 1)[0] as string;

interface Case {
  name: string;
  rule: string;
  over: Partial<PersonRecord>;
  eligible: boolean;
  on?: string;
  params?: Record<string, string>;
}

const officer = (over: Partial<PersonRecord>): Partial<PersonRecord> => ({ sex: 'M', specialty: 'aviation', ...over });
const conscript: Partial<PersonRecord> = { sex: 'M', mil_category: 'conscript', rank: null, specialty: null, fitness: null };
const woman = (over: Partial<PersonRecord>): Partial<PersonRecord> => ({ sex: 'F', birth_date: '1996-05-05', ...over });
const womanWithSpecialty = (over: Partial<PersonRecord>): Partial<PersonRecord> =>
  woman({ mil_registered: true, mil_exemption: null, mil_category: 'reserve_sergeant', specialty: 'medical', ...over });
const worker = (over: Partial<PersonRecord>): Partial<PersonRecord> => ({ sex: 'M', birth_date: '1985-04-04', employer_bin: BIN, ...over });

const CASES: Case[] = [
  // Reserve-officer call-up 2024: fit, not served, officer, age <= 29, medical <= 32, specialty in the listed set.
  { rule: 'reserve-officer-callup', name: '29 on the day before the 30th birthday', over: officer({ birth_date: '1996-12-02' }), eligible: true },
  { rule: 'reserve-officer-callup', name: '30 on the 30th birthday', over: officer({ birth_date: '1996-12-01' }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'turns 29 on the reference date', over: officer({ birth_date: '1997-12-01' }), eligible: true },
  { rule: 'reserve-officer-callup', name: 'aviation at 31', over: officer({ birth_date: '1995-06-01' }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'medical at 31', over: officer({ birth_date: '1995-06-01', specialty: 'medical' }), eligible: true },
  { rule: 'reserve-officer-callup', name: 'medical 32 on the day before the 33rd birthday', over: officer({ birth_date: '1993-12-02', specialty: 'medical' }), eligible: true },
  { rule: 'reserve-officer-callup', name: 'medical 33 on the 33rd birthday', over: officer({ birth_date: '1993-12-01', specialty: 'medical' }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'has served', over: officer({ birth_date: '2000-01-01', served: true }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'fitness B counts as fit', over: officer({ birth_date: '2000-01-01', fitness: 'B' }), eligible: true },
  { rule: 'reserve-officer-callup', name: 'fitness V (limited) is not fit', over: officer({ birth_date: '2000-01-01', fitness: 'V' }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'fitness not recorded', over: officer({ birth_date: '2000-01-01', fitness: null }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'a reserve sergeant', over: officer({ birth_date: '2000-01-01', mil_category: 'reserve_sergeant' }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'specialty not in demand', over: officer({ birth_date: '2000-01-01', specialty: 'infantry' }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'no specialty recorded', over: officer({ birth_date: '2000-01-01', specialty: null }), eligible: false },
  { rule: 'reserve-officer-callup', name: 'not on the register', over: officer({ birth_date: '2000-01-01', mil_registered: false, mil_exemption: 'resides_abroad' }), eligible: false },
  { rule: 'reserve-officer-callup', name: '30 with max_age=30', over: officer({ birth_date: '1996-12-01' }), params: { max_age: '30' }, eligible: true },

  // Compulsory military training: men 16..60, women 18..45 without children or with all children over ten.
  { rule: 'compulsory-military-training', name: 'man on his 16th birthday', over: { sex: 'M', birth_date: '2010-12-01' }, eligible: true },
  { rule: 'compulsory-military-training', name: 'man the day before his 16th birthday', over: { sex: 'M', birth_date: '2010-12-02' }, eligible: false },
  { rule: 'compulsory-military-training', name: 'man 60 the day before his 61st birthday', over: { sex: 'M', birth_date: '1965-12-02' }, eligible: true },
  { rule: 'compulsory-military-training', name: 'man on his 61st birthday', over: { sex: 'M', birth_date: '1965-12-01' }, eligible: false },
  { rule: 'compulsory-military-training', name: 'woman on her 18th birthday', over: woman({ birth_date: '2008-12-01' }), eligible: true },
  { rule: 'compulsory-military-training', name: 'woman the day before her 18th birthday', over: woman({ birth_date: '2008-12-02' }), eligible: false },
  { rule: 'compulsory-military-training', name: 'woman 45 the day before her 46th birthday', over: woman({ birth_date: '1980-12-02' }), eligible: true },
  { rule: 'compulsory-military-training', name: 'woman on her 46th birthday', over: woman({ birth_date: '1980-12-01' }), eligible: false },
  { rule: 'compulsory-military-training', name: 'mother whose only child turns ten on the reference date', over: woman({ children_birth_dates: ['2016-12-01'] }), eligible: true },
  { rule: 'compulsory-military-training', name: 'mother whose only child turns ten the next day', over: woman({ children_birth_dates: ['2016-12-02'] }), eligible: false },
  { rule: 'compulsory-military-training', name: 'mother of a 12- and a 9-year-old', over: woman({ children_birth_dates: ['2014-05-05', '2017-03-03'] }), eligible: false },
  { rule: 'compulsory-military-training', name: 'mother of a 15- and an 11-year-old', over: woman({ children_birth_dates: ['2011-01-01', '2015-06-06'] }), eligible: true },
  { rule: 'compulsory-military-training', name: 'child born after the reference date does not count', over: woman({ children_birth_dates: ['2026-12-05'] }), eligible: true },
  { rule: 'compulsory-military-training', name: 'born 29 Feb: 60 on 28 Feb of a common year', on: '2025-02-28', over: { sex: 'M', birth_date: '1964-02-29' }, eligible: true },
  { rule: 'compulsory-military-training', name: 'born 29 Feb: 61 on 1 Mar of a common year', on: '2025-03-01', over: { sex: 'M', birth_date: '1964-02-29' }, eligible: false },
  { rule: 'compulsory-military-training', name: 'born 29 Feb: 15 on 28 Feb of a leap year', on: '2024-02-28', over: { sex: 'M', birth_date: '2008-02-29' }, eligible: false },
  { rule: 'compulsory-military-training', name: 'born 29 Feb: 16 on 29 Feb', on: '2024-02-29', over: { sex: 'M', birth_date: '2008-02-29' }, eligible: true },

  // Military registration, with the list of those not registered.
  { rule: 'military-registration', name: 'boy turning 17 on 31 December of the reference year', over: { ...conscript, birth_date: '2009-12-31' }, eligible: true },
  { rule: 'military-registration', name: 'boy turning 17 the next year', over: { ...conscript, birth_date: '2010-01-01' }, eligible: false },
  { rule: 'military-registration', name: 'reserve soldier 50 the day before his 51st birthday', over: { sex: 'M', mil_category: 'reserve_soldier', birth_date: '1975-12-02' }, eligible: true },
  { rule: 'military-registration', name: 'reserve soldier on his 51st birthday', over: { sex: 'M', mil_category: 'reserve_soldier', birth_date: '1975-12-01' }, eligible: false },
  { rule: 'military-registration', name: 'officer at 51', over: { sex: 'M', birth_date: '1975-12-01' }, eligible: true },
  { rule: 'military-registration', name: 'officer on his 61st birthday', over: { sex: 'M', birth_date: '1965-12-01' }, eligible: false },
  { rule: 'military-registration', name: 'serving a sentence', over: { sex: 'M', birth_date: '1990-01-01', serving_sentence: true }, eligible: false },
  { rule: 'military-registration', name: 'residing abroad', over: { sex: 'M', birth_date: '1990-01-01', resides_abroad: true }, eligible: false },
  { rule: 'military-registration', name: 'found unfit (D)', over: { sex: 'M', birth_date: '1990-01-01', fitness: 'D' }, eligible: false },
  { rule: 'military-registration', name: 'not yet examined (no fitness)', over: { ...conscript, birth_date: '2008-01-01' }, eligible: true },
  { rule: 'military-registration', name: 'law-enforcement employee', over: { sex: 'M', birth_date: '1990-01-01', mil_exemption: 'law_enforcement' }, eligible: false },
  { rule: 'military-registration', name: 'discharged', over: { sex: 'M', birth_date: '1990-01-01', mil_exemption: 'discharged' }, eligible: false },
  { rule: 'military-registration', name: 'woman without a military specialty', over: woman({}), eligible: false },
  { rule: 'military-registration', name: 'woman sergeant 35 the day before her 36th birthday', over: womanWithSpecialty({ birth_date: '1990-12-02' }), eligible: true },
  { rule: 'military-registration', name: 'woman sergeant on her 36th birthday', over: womanWithSpecialty({ birth_date: '1990-12-01' }), eligible: false },
  { rule: 'military-registration', name: 'woman officer at 45', over: womanWithSpecialty({ birth_date: '1981-06-01', mil_category: 'reserve_officer' }), eligible: true },

  // Reservation of essential civilian workers, sector-based.
  { rule: 'essential-worker-reservation', name: 'health worker on the register', over: worker({}), eligible: true },
  { rule: 'essential-worker-reservation', name: 'energy worker', over: worker({ sector: 'energy' }), eligible: true },
  { rule: 'essential-worker-reservation', name: 'other sector', over: worker({ sector: 'other' }), eligible: false },
  { rule: 'essential-worker-reservation', name: 'unemployed', over: worker({ employment: 'unemployed', employer_bin: null }), eligible: false },
  { rule: 'essential-worker-reservation', name: 'employed without a recorded employer', over: worker({ employer_bin: null }), eligible: false },
  { rule: 'essential-worker-reservation', name: 'a conscript', over: worker({ ...conscript, birth_date: '2006-01-01', employer_bin: BIN }), eligible: false },
  { rule: 'essential-worker-reservation', name: 'not on the register', over: worker({ sex: 'F', specialty: null }), eligible: false },
  { rule: 'essential-worker-reservation', name: 'energy worker when only health is essential', over: worker({ sector: 'energy' }), params: { sectors: 'health' }, eligible: false },
  { rule: 'essential-worker-reservation', name: 'health worker when only health is essential', over: worker({}), params: { sectors: 'health' }, eligible: true },

  // Call-up of reservists on mobilization: fit, in the reserve, within the category's age limit.
  { rule: 'reserve-mobilization', name: 'reserve soldier 50 the day before his 51st birthday', over: { sex: 'M', mil_category: 'reserve_soldier', birth_date: '1975-12-02' }, eligible: true },
  { rule: 'reserve-mobilization', name: 'reserve soldier on his 51st birthday', over: { sex: 'M', mil_category: 'reserve_soldier', birth_date: '1975-12-01' }, eligible: false },
  { rule: 'reserve-mobilization', name: 'reserve sergeant at 51 in wartime (limit 55)', over: { sex: 'M', mil_category: 'reserve_sergeant', birth_date: '1975-12-01' }, params: { max_age_soldier: '55' }, eligible: true },
  { rule: 'reserve-mobilization', name: 'reserve officer 60 the day before his 61st birthday', over: { sex: 'M', birth_date: '1965-12-02' }, eligible: true },
  { rule: 'reserve-mobilization', name: 'reserve officer on his 61st birthday', over: { sex: 'M', birth_date: '1965-12-01' }, eligible: false },
  { rule: 'reserve-mobilization', name: 'a conscript is not a reservist', over: { ...conscript, birth_date: '2006-01-01', fitness: 'A' }, eligible: false },
  { rule: 'reserve-mobilization', name: 'limited fitness (V)', over: { sex: 'M', birth_date: '1990-01-01', fitness: 'V' }, eligible: false },
  { rule: 'reserve-mobilization', name: 'residing abroad', over: { sex: 'M', birth_date: '1990-01-01', resides_abroad: true }, eligible: false },
];

const people = CASES.map((c, i) => subject(i + 1, c.over));

function ruleSetFor(c: Case): RuleSet {
  const on = c.on ?? R;
  const found = findRuleSet(pack, c.rule, on);
  return c.params ? resolveRuleSet(found.definition, c.params) : found.ruleSet;
}

test('the pack holds the four Kazakhstan rule sets', () => {
  const ids = new Set(pack.ruleSets.map((r) => r.id));
  for (const id of ['compulsory-military-training', 'essential-worker-reservation', 'military-registration', 'reserve-officer-callup']) {
    assert.ok(ids.has(id), `${id} is missing from the pack (${[...ids].join(', ')})`);
  }
  for (const c of ['reserve-officer-callup', 'compulsory-military-training', 'military-registration', 'essential-worker-reservation']) {
    assert.ok(CASES.filter((x) => x.rule === c && x.eligible).length > 0 && CASES.filter((x) => x.rule === c && !x.eligible).length > 0, c);
  }
});

test('the evaluator decides every boundary case', () => {
  CASES.forEach((c, i) => {
    const e = evaluate(ruleSetFor(c), people[i] as PersonRecord, c.on ?? R);
    assert.equal(e.eligible, c.eligible, `${c.rule}: ${c.name}\n${renderExplanation(e)}`);
  });
});

let db: Db;
before(async () => {
  db = await freshDb();
  await insertPersons(db, people);
});
after(async () => {
  await db.close();
});

test('the SQL predicate decides every boundary case the same way', async () => {
  const selections = new Map<string, Set<string>>();
  for (const [i, c] of CASES.entries()) {
    const on = c.on ?? R;
    const key = `${c.rule}|${on}|${JSON.stringify(c.params ?? {})}`;
    if (!selections.has(key)) selections.set(key, new Set(await sqlSelection(db, ruleSetFor(c), on)));
    const iin = (people[i] as PersonRecord).iin;
    assert.equal(selections.get(key)?.has(iin), c.eligible, `${c.rule}: ${c.name} (${iin})`);
  }
});

test('a selection of IINs goes to the audit log with its rule set, date, purpose and size', async () => {
  const rs = findRuleSet(pack, 'reserve-officer-callup', R).ruleSet;
  const expected = people.filter((p) => isEligible(rs, p, R)).map((p) => p.iin).sort();
  assert.ok(expected.length >= 5);
  const at = new Date('2026-11-23T06:00:00Z');
  const got = await selectEligible(db, rs, R, { actor: 'test', purpose: 'call-up planning', at });
  assert.deepEqual(got.map((i) => i.trimEnd()), expected);
  const audit = await db.query<{ action: string; subject: string; details: { on: string; purpose: string; count: number } }>(
    "SELECT action, subject, details FROM audit_log WHERE action = 'eligibility.select'",
  );
  assert.equal(audit.length, 1);
  assert.equal(audit[0]?.subject, 'ruleset:reserve-officer-callup@2024');
  assert.deepEqual([audit[0]?.details.on, audit[0]?.details.purpose, audit[0]?.details.count], [R, 'call-up planning', expected.length]);
});
