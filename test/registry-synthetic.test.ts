import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../src/kernel/clock.ts';
import { verifyAudit } from '../src/modules/audit/index.ts';
import { idProblem } from '../src/modules/registry/iin.ts';
import { PERSON_COLUMNS, parsePerson, type PersonRecord, type ValidationContext } from '../src/modules/registry/person.ts';
import { regions, specialties } from '../src/modules/registry/reference.ts';
import { seedRegistry } from '../src/modules/registry/seed.ts';
import { generatePersons, syntheticBins } from '../src/modules/registry/synthetic.ts';
import { freshDb } from './helpers/db.ts';

const TODAY = '2026-11-23';
const ctx: ValidationContext = {
  regionCodes: new Set(regions().map((r) => r.iso)),
  specialtyCodes: new Set(specialties().map((s) => s.code)),
  today: TODAY,
};

function generate(count: number, seed: number, today = TODAY): PersonRecord[] {
  return [...generatePersons({ count, seed, today })];
}

/** Age in whole years on TODAY, computed independently of the generator. */
function ageOn(birthDate: string, today = TODAY): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

// One large sample shared by the statistical tests.
const SAMPLE = generate(200_000, 42);

test('the same seed gives identical records, another seed different ones', () => {
  const a = generate(3000, 7);
  const b = generate(3000, 7);
  assert.deepEqual(a, b);
  const c = generate(3000, 8);
  assert.notDeepEqual(a, c);
  const sameIin = a.filter((p, i) => p.iin === c[i]?.iin).length;
  assert.ok(sameIin < 30, `seeds 7 and 8 share ${sameIin} IINs at the same position`);
});

test('a longer run starts with the records of a shorter one', () => {
  assert.deepEqual(generate(500, 42), SAMPLE.slice(0, 500));
});

test('today moves birth dates: ages stay within 16..80 on the given day', () => {
  const later = generate(2000, 42, '2030-03-01');
  for (const p of later) {
    const age = ageOn(p.birth_date, '2030-03-01');
    assert.ok(age >= 16 && age <= 80, `${p.birth_date} is age ${age} on 2030-03-01`);
  }
  assert.notDeepEqual(later.slice(0, 10), SAMPLE.slice(0, 10));
});

test('every generated record passes parsePerson with no errors and no warnings, and parses to itself', () => {
  for (const p of SAMPLE) {
    const r = parsePerson(p as unknown as Record<string, unknown>, ctx);
    if (!r.ok) assert.fail(`${p.iin}: ${JSON.stringify(r.errors)}`);
    if (r.warnings.length) assert.fail(`${p.iin}: ${JSON.stringify(r.warnings)}`);
    assert.deepEqual(r.record, p);
  }
});

test('records have every registry column and plausible contents', () => {
  assert.deepEqual(Object.keys(SAMPLE[0] as PersonRecord), PERSON_COLUMNS);
  for (const p of SAMPLE.slice(0, 20_000)) {
    const age = ageOn(p.birth_date);
    assert.ok(age >= 16 && age <= 80, `${p.iin}: age ${age}`);
    if (p.employer_bin !== null) assert.equal(idProblem(p.employer_bin), null, `${p.iin}: employer ${p.employer_bin}`);
    if (p.employer_bin !== null) assert.equal(p.employment, 'employed');
    if (p.mil_category === null) assert.equal(p.rank, null);
    if (p.mil_category === 'conscript') {
      assert.equal(p.sex, 'M');
      assert.ok(age >= 17 && age <= 27 && !p.served, `${p.iin}: conscript aged ${age}, served ${p.served}`);
    }
    if (p.mil_category?.startsWith('reserve_')) assert.ok(p.specialty !== null && p.rank !== null, `${p.iin}: reservist without specialty or rank`);
    if (p.mil_category === 'reserve_officer') {
      assert.match(p.rank ?? '', /lieutenant|captain|major|colonel/);
      assert.ok(age <= (p.sex === 'M' ? 60 : 45), `${p.iin}: officer aged ${age}`);
    }
    if (p.mil_category === 'reserve_soldier' || p.mil_category === 'reserve_sergeant') {
      assert.ok(age <= (p.sex === 'M' ? 50 : 35), `${p.iin}: ${p.mil_category} aged ${age}`);
    }
    if (p.sex === 'M' && age < 17) assert.equal(p.mil_exemption, 'under_age');
    if (p.sex === 'F' && p.mil_registered) assert.ok(p.specialty !== null);
    if (p.mil_exemption === 'unfit') assert.equal(p.fitness, 'D');
    if (p.serving_sentence) assert.equal(p.mil_exemption, 'serving_sentence');
    if (p.resides_abroad) assert.equal(p.mil_exemption, p.sex === 'M' && age < 17 ? 'under_age' : 'resides_abroad');
    if (p.mobile !== null) assert.match(p.mobile, /^\+77\d{9}$/);
    const kids = p.children_birth_dates;
    assert.deepEqual([...kids].sort(), kids);
    assert.ok(kids.length <= 4);
    for (const k of kids) {
      const parentAge = ageOn(p.birth_date, k);
      assert.ok(parentAge >= 18 && parentAge <= (p.sex === 'F' ? 45 : 55), `${p.iin}: parent aged ${parentAge} at ${k}`);
    }
    assert.ok(p.district?.startsWith(`${p.region}-D`), `${p.iin}: district ${p.district} outside ${p.region}`);
  }
});

test('IINs are unique over 200,000 persons', () => {
  const seen = new Set<string>();
  for (const p of SAMPLE) {
    assert.ok(!seen.has(p.iin), `duplicate IIN ${p.iin}`);
    seen.add(p.iin);
  }
});

test('regions get persons in proportion to their population', () => {
  const rs = regions();
  const total = rs.reduce((s, r) => s + r.population_k, 0);
  const counts = new Map<string, number>();
  for (const p of SAMPLE) counts.set(p.region, (counts.get(p.region) ?? 0) + 1);
  for (const r of rs) {
    const expected = r.population_k / total;
    const actual = (counts.get(r.iso) ?? 0) / SAMPLE.length;
    assert.ok(Math.abs(actual - expected) < 0.02, `${r.iso}: ${(100 * actual).toFixed(2)}% vs ${(100 * expected).toFixed(2)}%`);
  }
});

test('the population is young, with more women among the old', () => {
  let young = 0;
  let old = 0;
  let oldWomen = 0;
  let men = 0;
  for (const p of SAMPLE) {
    const age = ageOn(p.birth_date);
    if (age < 40) young++;
    if (age >= 65) {
      old++;
      if (p.sex === 'F') oldWomen++;
    }
    if (p.sex === 'M') men++;
  }
  assert.ok(young / SAMPLE.length > 0.45, `under 40: ${young}`);
  assert.ok(old / SAMPLE.length < 0.12, `65 and over: ${old}`);
  assert.ok(oldWomen / old > 0.58, `women among 65+: ${oldWomen} of ${old}`);
  assert.ok(men / SAMPLE.length > 0.46 && men / SAMPLE.length < 0.5, `men: ${men}`);
});

test('about a quarter of men aged 18..60 are in the reserve, about 15% of reservists officers', () => {
  let men = 0;
  let reserve = 0;
  let officers = 0;
  for (const p of SAMPLE) {
    const age = ageOn(p.birth_date);
    if (p.sex !== 'M' || age < 18 || age > 60) continue;
    men++;
    if (p.mil_category?.startsWith('reserve_')) {
      reserve++;
      if (p.mil_category === 'reserve_officer') officers++;
    }
  }
  const share = reserve / men;
  assert.ok(Math.abs(share - 0.25) <= 0.04, `reserve share ${(100 * share).toFixed(1)}%`);
  assert.ok(officers / reserve > 0.1 && officers / reserve < 0.2, `officers ${officers} of ${reserve} reservists`);
});

test('the 2024 officer call-up finds candidates among 100,000 persons, medical ones included', () => {
  const first = SAMPLE.slice(0, 100_000);
  const fit = (p: PersonRecord) => p.fitness === 'A' || p.fitness === 'B';
  const eligible = first.filter(
    (p) => p.mil_category === 'reserve_officer' && !p.served && fit(p) && p.specialty !== null && ageOn(p.birth_date) <= 29,
  );
  const medical = first.filter(
    (p) => p.mil_category === 'reserve_officer' && !p.served && fit(p) && p.specialty === 'medical' && ageOn(p.birth_date) <= 32,
  );
  assert.ok(eligible.length >= 100, `eligible officers: ${eligible.length}`);
  assert.ok(medical.length >= 30, `eligible medical officers: ${medical.length}`);
  assert.ok(eligible.some((p) => p.employment === 'unemployed'), 'no unemployed eligible officer');
});

test('the sample exercises every special case', () => {
  const count = (pred: (p: PersonRecord) => boolean) => SAMPLE.reduce((n, p) => (pred(p) ? n + 1 : n), 0);
  const share = (pred: (p: PersonRecord) => boolean) => count(pred) / SAMPLE.length;
  const noMobile = share((p) => p.mobile === null);
  assert.ok(noMobile > 0.03 && noMobile < 0.12, `without mobile: ${noMobile}`);
  const egov = share((p) => p.egov_account);
  assert.ok(egov > 0.75 && egov < 0.85, `e-Gov accounts: ${egov}`);
  const abroad = share((p) => p.resides_abroad);
  assert.ok(abroad > 0.005 && abroad < 0.015, `abroad: ${abroad}`);
  const sentence = share((p) => p.serving_sentence);
  assert.ok(sentence > 0.001 && sentence < 0.006, `serving a sentence: ${sentence}`);
  const lawEnforcement = share((p) => p.mil_exemption === 'law_enforcement');
  assert.ok(lawEnforcement > 0.002 && lawEnforcement < 0.01, `law enforcement: ${lawEnforcement}`);
  assert.ok(count((p) => p.mil_exemption === 'unfit') > 0);
  assert.ok(count((p) => p.mil_exemption === 'age_limit') > 0);
  assert.ok(count((p) => p.sex === 'F' && p.mil_registered && p.specialty === 'medical') > 0);
  assert.ok(count((p) => p.volunteer) > 0);
  assert.ok(count((p) => p.mobile !== null && !p.mobile_on_egov) > 0);
  for (const sector of ['health', 'logistics', 'communications', 'energy', 'cyber', 'other']) {
    assert.ok(count((p) => p.sector === sector) > 0, `no one in ${sector}`);
  }

  let working = 0;
  let unemployed = 0;
  for (const p of SAMPLE) {
    const age = ageOn(p.birth_date);
    if (age < 18 || age > 63 || p.employment === null) continue;
    working++;
    if (p.employment === 'unemployed') unemployed++;
  }
  assert.ok(unemployed / working > 0.04 && unemployed / working < 0.08, `unemployed ${unemployed} of ${working}`);
  const employers = new Set(SAMPLE.map((p) => p.employer_bin).filter((b) => b !== null));
  assert.ok(employers.size > 500 && employers.size <= 2000, `${employers.size} distinct employers`);
});

test('syntheticBins gives distinct valid BINs, deterministic by seed', () => {
  const a = syntheticBins(3, 2000);
  assert.equal(new Set(a).size, 2000);
  for (const b of a) assert.equal(idProblem(b), null);
  assert.deepEqual(syntheticBins(3, 2000), a);
  assert.notDeepEqual(syntheticBins(4, 2000), a);
});

test('seedRegistry writes the generated records, audited per batch, and re-seeding changes nothing', async () => {
  const db = await freshDb();
  try {
    const clock = fixedClock('2026-11-23T06:00:00Z');
    const progress: number[] = [];
    const r = await seedRegistry(db, { persons: 2500, seed: 5, clock, actor: 'test', batchSize: 1000, onProgress: (done) => progress.push(done) });
    assert.deepEqual({ inserted: r.inserted, updated: r.updated }, { inserted: 2500, updated: 0 });
    assert.deepEqual(progress, [1000, 2000, 2500]);

    const expected = generate(2500, 5);
    const rows = await db.query<PersonRecord>(`SELECT ${PERSON_COLUMNS.join(', ')} FROM persons ORDER BY iin`);
    assert.equal(rows.length, 2500);
    const byIin = new Map(expected.map((p) => [p.iin, p]));
    for (const row of rows) assert.deepEqual({ ...row }, byIin.get(row.iin));

    const audit = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'registry.seed.batch'`);
    assert.equal(audit[0]?.n, 3);
    const created = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM persons WHERE created_via = 'seed:5' AND created_by = 'test'`);
    assert.equal(created[0]?.n, 2500);

    const again = await seedRegistry(db, { persons: 2500, seed: 5, clock, actor: 'test', batchSize: 1000 });
    assert.deepEqual({ inserted: again.inserted, updated: again.updated }, { inserted: 0, updated: 0 });
    const more = await seedRegistry(db, { persons: 3000, seed: 5, clock, actor: 'test' });
    assert.deepEqual({ inserted: more.inserted, updated: more.updated }, { inserted: 500, updated: 0 });
    assert.equal((await verifyAudit(db)).ok, true);
  } finally {
    await db.close();
  }
});
