import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { isDomainError } from '../src/kernel/errors.ts';
import { evaluate, explanationRows, findRuleSet, isEligible, loadPack, renderExplanation, type Explanation } from '../src/modules/eligibility/index.ts';
import { createTestDatabase } from './helpers/db.ts';
import { insertPersons, subject } from './helpers/eligibility.ts';

const R = '2026-12-01';
const pack = loadPack();
const officerRule = findRuleSet(pack, 'reserve-officer-callup', R).ruleSet;
const trainingRule = findRuleSet(pack, 'compulsory-military-training', R).ruleSet;

// An aviation reserve officer aged 31 on R: too old for the general limit, not medical.
const aviator = subject(1, { sex: 'M', birth_date: '1995-06-01', specialty: 'aviation' });
const mother = subject(2, { sex: 'F', birth_date: '1990-03-03', children_birth_dates: ['2012-01-01', '2016-12-01'] });
const noSpecialty = subject(3, { sex: 'M', birth_date: '2000-01-01', specialty: null });

function find(e: Explanation, label: string): Explanation {
  if (e.label === label) return e;
  for (const c of e.children ?? []) {
    const f = find(c, label);
    if (f.label === label) return f;
  }
  return e;
}

test('a failed age limit names the condition, the person\'s age on the date and the threshold', () => {
  const e = evaluate(officerRule, aviator, R);
  assert.equal(e.eligible, false);
  const age = find(e.explanation, 'up to 29');
  assert.deepEqual(
    { text: age.text, passed: age.passed, field: age.field, value: age.value, op: age.op, threshold: age.threshold, param: age.param },
    { text: 'up to 29: age 31 on 2026-12-01 > 29', passed: false, field: 'age', value: 31, op: 'le', threshold: 29, param: 'max_age' },
  );
  assert.equal(find(e.explanation, 'medical specialty').text, 'medical specialty: specialty aviation != medical');
  assert.equal(find(e.explanation, 'up to 32').text, 'up to 32: age 31 on 2026-12-01 <= 32');
  assert.equal(find(e.explanation, 'age limit').text, 'age limit (any of: none met)');
});

test('the rendered explanation lists every condition with its outcome, parameter and the citation', () => {
  assert.equal(
    renderExplanation(evaluate(officerRule, aviator, R)),
    [
      'reserve-officer-callup v2024 on 2026-12-01: NOT ELIGIBLE',
      '  Call-up of reserve officers for military service (24 months)',
      '  Resolution on the call-up of reserve officers for military service, 2024, Eligibility of candidates',
      '  ✗ eligible for the reserve-officer call-up (all of: 1 of 6 not met)',
      '    ✓ on the military register: mil_registered true = true',
      '    ✓ reserve officer: mil_category reserve_officer = reserve_officer',
      '    ✓ fit for service: fitness A in [A, B] ($fit_categories)',
      '    ✓ has not served: served false = false',
      '    ✓ specialty in demand: specialty aviation in [medical, aviation, engineering, artillery, radio, education, logistics, transport, information, reconnaissance] ($specialties)',
      '    ✗ age limit (any of: none met)',
      '      ✗ up to 29: age 31 on 2026-12-01 > 29 ($max_age)',
      '      ✗ medical up to 32 (all of: 1 of 2 not met)',
      '        ✗ medical specialty: specialty aviation != medical ($medical_specialty)',
      '        ✓ up to 32: age 31 on 2026-12-01 <= 32 ($max_age_medical)',
    ].join('\n'),
  );
});

test('a missing value, a child turning ten on the date and a negation explain themselves', () => {
  const missing = find(evaluate(officerRule, noSpecialty, R).explanation, 'specialty in demand');
  assert.equal(missing.text, 'specialty in demand: specialty (none): no value, needs in [medical, aviation, engineering, artillery, radio, education, logistics, transport, information, reconnaissance]');
  assert.equal(missing.value, null);

  const e = evaluate(trainingRule, mother, R);
  assert.equal(e.eligible, true);
  assert.equal(find(e.explanation, 'youngest child ten or older').text, "youngest child ten or older: youngest child's age 10 on 2026-12-01 >= 10");
  assert.equal(find(e.explanation, 'no children').text, 'no children: children born by 2026-12-01: 2 != 0');
  assert.equal(find(e.explanation, 'aged 18 to 45').text, 'aged 18 to 45: age 36 on 2026-12-01 within 18..45');
  const dayBefore = evaluate(trainingRule, mother, '2026-11-30');
  assert.equal(find(dayBefore.explanation, 'youngest child ten or older').text, "youngest child ten or older: youngest child's age 9 on 2026-11-30 < 10");
  assert.equal(dayBefore.eligible, false);

  const registration = findRuleSet(pack, 'military-registration', R).ruleSet;
  const unfit = evaluate(registration, { ...aviator, fitness: 'D' }, R);
  const n = find(unfit.explanation, 'not found unfit');
  assert.equal(n.text, 'not found unfit (not: the condition below holds)');
  assert.equal(n.children?.[0]?.text, 'fitness D = D');
});

test('explanation rows flatten the tree depth first, for CSV', () => {
  const rows = explanationRows(evaluate(officerRule, aviator, R).explanation);
  assert.equal(rows.length, 11);
  assert.deepEqual(rows[7], { depth: 2, passed: false, kind: 'test', field: 'age', value: '31', op: 'le', threshold: '29', text: 'up to 29: age 31 on 2026-12-01 > 29', ref: '' });
  assert.equal(rows[3]?.threshold, 'A;B');
});

test('the reference date is always given and must lie in the rule set\'s effective period', () => {
  assert.throws(() => evaluate(officerRule, aviator, '2023-12-31'), (e) => isDomainError(e, 'ELIGIBILITY_NOT_IN_EFFECT'));
  assert.throws(() => isEligible(officerRule, aviator, '2026-13-01'), (e) => isDomainError(e, 'ELIGIBILITY_BAD_DATE'));
  // Same inputs, same answer: nothing depends on when the evaluation runs.
  assert.deepEqual(evaluate(officerRule, aviator, R), evaluate(officerRule, aviator, R));
});

// ---------------------------------------------------------------------------------------------------------------
// The command line, on the suite's database engine.

const CLI = join(import.meta.dirname, '..', 'bin', 'mobilize.js');

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, 'eligible', ...args], { env: { ...process.env, ...env, MOBILIZE_ACTOR: 'eligibility-test' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out, err };
}

test('mobilize eligible: counts by fields, explains one person (audited), refuses bad input with clear errors', async () => {
  const t = await createTestDatabase();
  try {
    const young = [0, 1, 2].map((i) => subject(10 + i, { sex: 'M', birth_date: '2000-01-01', specialty: 'aviation', region: i < 2 ? 'KZ-71' : 'KZ-75' }));
    const db = await t.open();
    await insertPersons(db, [aviator, mother, noSpecialty, ...young]);
    await db.close();

    const csv = await cli(['reserve-officer-callup', '--on', R, '--count-by', 'region,specialty', '--format', 'csv'], t.env);
    assert.equal(csv.code, 0, csv.err);
    assert.deepEqual(parse(csv.out), [['region', 'specialty', 'count'], ['KZ-71', 'aviation', '2'], ['KZ-75', 'aviation', '1']]);

    const json = await cli(['reserve-officer-callup', '--on', R, '--format', 'json', '--param', 'max_age=31'], t.env);
    assert.equal(json.code, 0, json.err);
    const counted = JSON.parse(json.out) as { total: number; on: string; ruleSet: { params: { max_age: number } } };
    assert.deepEqual([counted.total, counted.on, counted.ruleSet.params.max_age], [4, R, 31]);

    const explained = await cli(['reserve-officer-callup', '--on', R, '--explain', aviator.iin], t.env);
    assert.equal(explained.code, 0, explained.err);
    assert.match(explained.out, /NOT ELIGIBLE/);
    assert.match(explained.out, /✗ up to 29: age 31 on 2026-12-01 > 29 \(\$max_age\)/);
    const db2 = await t.open();
    const audit = await db2.query<{ action: string; subject: string }>("SELECT action, subject FROM audit_log WHERE actor = 'cli:eligibility-test'");
    await db2.close();
    assert.deepEqual(audit, [{ action: 'registry.person.read', subject: `person:${aviator.iin}` }]);

    const badField = await cli(['reserve-officer-callup', '--on', R, '--count-by', 'region,iin'], t.env);
    assert.equal(badField.code, 2);
    assert.match(badField.err, /error ELIGIBILITY_BAD_COUNT_BY: cannot count by "iin": choose from sex, region/);

    const early = await cli(['reserve-officer-callup', '--on', '2023-05-01'], t.env);
    assert.equal(early.code, 2);
    assert.match(early.err, /in effect from 2024-01-01 \(until replaced\); the reference date 2023-05-01 is outside it/);

    const dir = mkdtempSync(join(tmpdir(), 'mobilize-badpack-'));
    writeFileSync(join(dir, 'broken.yaml'), 'id: broken\nversion: "1"\ntitle: t\neffective: {from: 2024-01-01}\ncitation: {document: d, article: a}\nwhen:\n  field: age\n  le: old\n');
    const broken = await cli(['broken', '--pack', dir], t.env);
    assert.equal(broken.code, 2);
    assert.match(broken.err, /broken\.yaml:8: when\.le: age is compared with whole numbers, got "old"/);
  } finally {
    await t.drop();
  }
});
