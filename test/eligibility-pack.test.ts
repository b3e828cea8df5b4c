import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDomainError } from '../src/kernel/errors.ts';
import {
  DEFAULT_PACK_DIR,
  findRuleSet,
  formatIssue,
  loadPack,
  parseRuleSetText,
  resolveRuleSet,
  type PackIssue,
} from '../src/modules/eligibility/index.ts';

/** A valid rule-set file; tests break one thing at a time. */
const VALID = `id: sample
version: "1"
title: Sample
effective:
  from: 2024-01-01
citation:
  document: Sample law
  article: Art. 1
params:
  max_age:
    default: 29
when:
  all:
    - field: sex
      eq: M
    - field: age
      le: $max_age
`;

function issuesOf(text: string): string[] {
  const r = parseRuleSetText(text, 'sample.yaml');
  return r.issues.map(formatIssue);
}

test('a valid file gives a rule set with its parameters filled in', () => {
  const r = parseRuleSetText(VALID, 'sample.yaml');
  assert.deepEqual(r.issues, []);
  assert.equal(r.ruleSet?.params.max_age, 29);
  assert.deepEqual(r.ruleSet?.condition, {
    kind: 'all',
    of: [
      { kind: 'test', subject: 'sex', op: 'eq', value: 'M' },
      { kind: 'test', subject: 'age', op: 'le', value: 29, param: 'max_age' },
    ],
  });
});

test('problems in the condition tree name the file, the line and the path', () => {
  const text = VALID.replace('field: sex', 'field: gender').replace('le: $max_age', 'le: "old"');
  assert.deepEqual(issuesOf(text), [
    'sample.yaml:14: when.all[0].field: unknown field "gender" (known: sex, birth_date, region, district, mobile_on_egov, egov_account, mil_registered, mil_exemption, mil_category, rank, specialty, fitness, served, occupation, sector, employer_bin, employment, volunteer, serving_sentence, resides_abroad, age, age_at_year_end, youngest_child_age, children_count, has_mobile)',
    'sample.yaml:17: when.all[1].le: age is compared with whole numbers, got "old"',
  ]);
  assert.deepEqual(issuesOf(VALID.replace('le: $max_age', 'le: 29')), [
    'sample.yaml:10: params.max_age: parameter max_age is declared but no condition uses $max_age',
  ]);
});

test('values outside a field vocabulary, wrong comparisons and bad operands are refused', () => {
  const cases: [string, string, string][] = [
    ['eq: M', 'eq: X', 'sample.yaml:15: when.all[0].eq: "X" is not a value of sex (one of M, F)'],
    ['eq: M', 'lt: M', 'sample.yaml:15: when.all[0].lt: lt cannot be used with sex (enum, always has a value); use eq, ne, in, not_in'],
    ['eq: M', 'present: true', 'sample.yaml:15: when.all[0].present: present cannot be used with sex (enum, always has a value); use eq, ne, in, not_in'],
    ['eq: M', 'in: []', 'sample.yaml:15: when.all[0].in: in needs a non-empty list, got []'],
    ['eq: M', 'eq: [M, F]', 'sample.yaml:15: when.all[0].eq: eq needs a single value, got a list ["M","F"] (use in for a list)'],
    ['le: $max_age', 'le: $min_age', 'sample.yaml:17: when.all[1].le: unknown parameter $min_age (declared: $max_age)'],
    ['le: $max_age', 'between: [30, 20]', 'sample.yaml:17: when.all[1].between: between needs low <= high, got [30,20]'],
    ['le: $max_age', 'le: 29.5', 'sample.yaml:17: when.all[1].le: age is compared with whole numbers, got 29.5'],
    ['      eq: M\n', '      eq: M\n      ge: 3\n', 'sample.yaml:14: when.all[0]: has 2 comparisons (eq, ge); use all: [...] to combine'],
    ['      eq: M\n', '      eq: M\n      when: x\n', 'sample.yaml:16: when.all[0].when: unknown key when'],
  ];
  for (const [from, to, expected] of cases) {
    const got = issuesOf(VALID.replace(from, to)).filter((i) => !i.includes('is declared but no condition uses'));
    assert.deepEqual(got, [expected], `${from} -> ${to}`);
  }
});

test('header problems are listed together with the condition problems of the same file', () => {
  const text = VALID.replace('id: sample', 'id: Sample Rules').replace('from: 2024-01-01', 'from: 2024-02-30').replace('field: sex', 'field: gender');
  const got = issuesOf(text);
  assert.equal(got[0], 'sample.yaml:1: id: must be lower-case letters, digits and dashes, e.g. reserve-officer-callup');
  assert.equal(got[1], 'sample.yaml:5: effective.from: must be a calendar date YYYY-MM-DD');
  assert.match(got[2] as string, /^sample\.yaml:14: when\.all\[0\]\.field: unknown field "gender"/);
  assert.equal(got.length, 3);
});

test('missing keys, unknown keys and a condition of no known kind', () => {
  assert.deepEqual(issuesOf(VALID.replace('title: Sample\n', '').replace('  article: Art. 1\n', '  article: Art. 1\n  page: 3\n')), [
    'sample.yaml:1: title: is required',
    'sample.yaml:8: citation.page: unknown key page',
  ]);
  assert.deepEqual(issuesOf(VALID.replace('  all:', '  every:')), [
    'sample.yaml:12: when: must have one of all, any, not, field',
  ]);
  assert.deepEqual(issuesOf(VALID.replace('to: x', '').replace('from: 2024-01-01', 'from: 2024-01-01\n  to: 2023-12-31')), [
    'sample.yaml:6: effective.to: effective.to must not be before effective.from',
  ]);
});

test('YAML that does not parse is reported with its line', () => {
  const got = issuesOf(VALID.replace('    - field: age', '    - field: [age'));
  assert.ok(got.length > 0);
  assert.match(got[0] as string, /^sample\.yaml:1[6-9]: not valid YAML: /);
});

function packDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mobilize-pack-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function packIssues(dir: string): PackIssue[] {
  try {
    loadPack(dir);
  } catch (e) {
    assert.ok(isDomainError(e, 'ELIGIBILITY_PACK_INVALID'), String(e));
    return e.details.issues as PackIssue[];
  }
  assert.fail('the pack loaded');
}

test('a pack fails as a whole, naming every file and problem; the message is printable as is', () => {
  const dir = packDir({ 'a.yaml': VALID.replace('field: sex', 'field: gender'), 'b.json': '{"id": "x"', 'c.txt': 'ignored' });
  let message = '';
  try {
    loadPack(dir);
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, /^the rule pack has 2 problems; fix the files and retry:\n/);
  assert.match(message, /a\.yaml:14: when\.all\[0\]\.field: unknown field "gender"/);
  assert.match(message, /b\.json:1: not valid YAML/);
  assert.doesNotMatch(message, /c\.txt/);
});

test('versions of one rule set must not overlap, and one version is defined once', () => {
  const v2 = VALID.replace('version: "1"', 'version: "2"').replace('from: 2024-01-01', 'from: 2025-01-01');
  const overlapping = packIssues(packDir({ 'v1.yaml': VALID, 'v2.yaml': v2 }));
  assert.equal(overlapping.length, 1);
  assert.equal(overlapping[0]?.path, 'effective');
  assert.match(overlapping[0]?.message ?? '', /version 2 \(from 2025-01-01 \(until replaced\)\) overlaps version 1 .*end the older version the day before/);
  assert.match(overlapping[0]?.file ?? '', /v2\.yaml$/);

  const twice = packIssues(packDir({ 'a.yaml': VALID, 'b.yaml': VALID.replace('from: 2024-01-01', 'from: 2024-01-01\n  to: 2024-06-30') }));
  assert.ok(twice.some((i) => /version 1 is also defined in/.test(i.message)), JSON.stringify(twice));
});

test('the version in force on the reference date is chosen; dates outside every version are refused', () => {
  const v1 = VALID.replace('from: 2024-01-01', 'from: 2024-01-01\n  to: 2024-12-31');
  const v2 = VALID.replace('version: "1"', 'version: "2"').replace('from: 2024-01-01', 'from: 2025-01-01').replace('default: 29', 'default: 27');
  const pack = loadPack(packDir({ 'v1.yaml': v1, 'v2.yaml': v2 }));
  assert.equal(findRuleSet(pack, 'sample', '2024-12-31').ruleSet.version, '1');
  assert.equal(findRuleSet(pack, 'sample', '2025-01-01').ruleSet.version, '2');
  assert.equal(findRuleSet(pack, 'sample', '2025-01-01').ruleSet.params.max_age, 27);
  assert.equal(findRuleSet(pack, 'sample@1', '2024-06-01').ruleSet.version, '1');
  assert.throws(() => findRuleSet(pack, 'sample', '2023-12-31'), (e) => isDomainError(e, 'ELIGIBILITY_NOT_IN_EFFECT') && /no version of rule set sample is in effect on 2023-12-31/.test(e.message));
  assert.throws(() => findRuleSet(pack, 'sample@1', '2025-06-01'), (e) => isDomainError(e, 'ELIGIBILITY_NOT_IN_EFFECT') && /in effect from 2024-01-01 to 2024-12-31; the reference date 2025-06-01 is outside it/.test(e.message));
  assert.throws(() => findRuleSet(pack, 'sample@3', '2025-06-01'), (e) => isDomainError(e, 'ELIGIBILITY_UNKNOWN_RULESET') && /versions: 1, 2/.test(e.message));
  assert.throws(() => findRuleSet(pack, 'other', '2025-06-01'), (e) => isDomainError(e, 'ELIGIBILITY_UNKNOWN_RULESET') && /there are: sample/.test(e.message));
  assert.throws(() => findRuleSet(pack, 'sample', '2025-02-29'), (e) => isDomainError(e, 'ELIGIBILITY_BAD_DATE'));
});

test('parameter overrides are typed by their default and checked like the file', () => {
  const { definition } = findRuleSet(loadPack(), 'reserve-officer-callup', '2026-12-01');
  assert.equal(resolveRuleSet(definition, { max_age: '30' }).params.max_age, 30);
  assert.deepEqual(resolveRuleSet(definition, { specialties: 'medical, aviation' }).params.specialties, ['medical', 'aviation']);
  assert.throws(() => resolveRuleSet(definition, { max_age: 'thirty' }), (e) => isDomainError(e, 'ELIGIBILITY_BAD_PARAM') && /parameter \$max_age: age is compared with whole numbers, got null/.test(e.message));
  assert.throws(() => resolveRuleSet(definition, { specialties: 'medical,cooking' }), (e) => isDomainError(e, 'ELIGIBILITY_BAD_PARAM') && /"cooking" is not a value of specialty/.test(e.message));
  assert.throws(() => resolveRuleSet(definition, { age: '30' }), (e) => isDomainError(e, 'ELIGIBILITY_BAD_PARAM') && /has no parameter "age" \(its parameters: max_age, /.test(e.message));
});

test('the shipped pack files validate one by one', () => {
  const files = readdirSync(DEFAULT_PACK_DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const r = parseRuleSetText(readFileSync(join(DEFAULT_PACK_DIR, f), 'utf8'), f);
    assert.deepEqual(r.issues, [], f);
    assert.ok(r.ruleSet?.citation.document && r.ruleSet.citation.article, f);
  }
});
