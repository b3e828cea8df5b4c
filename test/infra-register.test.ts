import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { NATIONAL, createObject, getInfrastructureObject, importObjectsCsv, listInfrastructureObjects, updateObject, type InfraContext } from '../src/modules/infrastructure/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const national: InfraContext = { actor: 'user:coordinator', at: clock.now(), scope: NATIONAL };
const almaty: InfraContext = { actor: 'user:almaty.officer', at: clock.now(), scope: { region: 'KZ-75', district: null, operatorBin: null } };
const operator = makeBin('0504', 4, 0, 123) as string;
const otherOperator = makeBin('1102', 4, 0, 77) as string;
// Same first 11 digits as `operator`, last digit changed: a check-digit error and nothing else.
const badCheck = operator.slice(0, 11) + String((Number(operator[11]) + 1) % 10);
let db: Db;

before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

const substation = { code: 'KZ-75-PS-ALM1', name: 'Подстанция 500 кВ «Алма»', kind: 'energy', region: 'KZ-75', district: 'KZ-75-D02', operatorBin: operator, criticality: 1, lat: 43.35, lon: 77.02 };
const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n);

async function refused(p: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    assert.ok(isDomainError(e, code), `expected ${code}, got ${String(e)}`);
    return (e as { details: Record<string, unknown> }).details;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

test('an object is registered with its operator BIN checked, and the write is audited', async () => {
  const o = await createObject(db, substation, national);
  assert.equal(o.code, substation.code);
  assert.equal(o.operatorBin, operator);
  assert.equal((await getInfrastructureObject(db, o.id))?.name, substation.name);
  const audit = await db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'infra.object.create' AND subject = $1", [`infra-object:${substation.code}`]);
  assert.deepEqual(audit.map((a) => a.actor), ['user:coordinator']);
});

test('bad objects are refused with the field and reason, and nothing is written', async () => {
  const before = await count('infrastructure_objects');
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ operatorBin: badCheck }, 'operatorBin', /check digit/],
    [{ operatorBin: '12345' }, 'operatorBin', /12 digits/],
    [{ kind: 'nuclear' }, 'kind', /./],
    [{ criticality: 4 }, 'criticality', /./],
    [{ region: 'KZ-99' }, 'region', /region code/],
    [{ district: 'KZ-71-D01' }, 'district', /belong to region KZ-75/],
    [{ lat: 10, lon: 77 }, 'lat', /./],
    [{ lat: 43.3, lon: null }, 'lon', /both/],
  ];
  for (const [change, field, reason] of cases) {
    const details = await refused(createObject(db, { ...substation, code: 'KZ-75-BAD', ...change }, national), 'INFRA_INVALID_OBJECT');
    const issue = (details.issues as { field: string; reason: string }[]).find((i) => i.field === field);
    assert.ok(issue, `${JSON.stringify(change)}: ${JSON.stringify(details.issues)}`);
    assert.match(issue.reason, reason);
  }
  await refused(createObject(db, substation, national), 'INFRA_DUPLICATE_CODE');
  assert.equal(await count('infrastructure_objects'), before);
});

test('a regional officer registers and changes objects in their region only', async () => {
  await refused(createObject(db, { ...substation, code: 'KZ-71-TEL-1', region: 'KZ-71', district: null }, almaty), 'ACCESS_OUT_OF_SCOPE');
  const astana = await createObject(db, { ...substation, code: 'KZ-71-TEL-1', kind: 'telecom', region: 'KZ-71', district: null, operatorBin: otherOperator, criticality: 2, lat: 51.1, lon: 71.4 }, national);
  await refused(updateObject(db, astana.id, { criticality: 1 }, almaty), 'INFRA_OBJECT_NOT_FOUND');
  const own = (await listInfrastructureObjects(db, {}, almaty.scope)).find((o) => o.code === substation.code);
  assert.ok(own);
  const changed = await updateObject(db, own.id, { criticality: 2, name: 'Подстанция 500 кВ «Алма» (ЮГ)' }, almaty);
  assert.deepEqual([changed.criticality, changed.updatedBy], [2, 'user:almaty.officer']);
  const audit = await db.query<{ details: { changes: Record<string, unknown> } }>("SELECT details FROM audit_log WHERE action = 'infra.object.update'");
  assert.deepEqual(audit.at(-1)?.details.changes.criticality, [1, 2]);
  await refused(updateObject(db, own.id, { operatorBin: badCheck }, almaty), 'INFRA_INVALID_OBJECT');
  assert.equal((await getInfrastructureObject(db, own.id))?.operatorBin, operator);
});

test('lists are confined to the area: region officers their region, district officers their district, enterprises their own objects', async () => {
  const all = await listInfrastructureObjects(db, {}, NATIONAL);
  assert.ok(all.some((o) => o.region === 'KZ-71') && all.some((o) => o.region === 'KZ-75'));
  assert.ok((await listInfrastructureObjects(db, {}, almaty.scope)).every((o) => o.region === 'KZ-75'));
  await refused(listInfrastructureObjects(db, { region: 'KZ-71' }, almaty.scope), 'ACCESS_OUT_OF_SCOPE');
  const d01 = await listInfrastructureObjects(db, {}, { region: 'KZ-75', district: 'KZ-75-D01', operatorBin: null });
  assert.deepEqual(d01, [], 'the substation is in D02');
  const enterprise = await listInfrastructureObjects(db, {}, { region: null, district: null, operatorBin: otherOperator });
  assert.deepEqual(enterprise.map((o) => o.code), ['KZ-71-TEL-1']);
  assert.equal(await getInfrastructureObject(db, enterprise[0]?.id as number, almaty.scope), null);
  assert.deepEqual((await listInfrastructureObjects(db, { kind: 'telecom' }, NATIONAL)).map((o) => o.code), ['KZ-71-TEL-1']);
});

const HEADER = 'code,name,kind,region,district,operator_bin,criticality,lat,lon';

test('CSV import: every bad row named by line and field, and nothing written when any row is bad', async () => {
  const objects = await count('infrastructure_objects');
  const audits = await count('audit_log');
  const csv = [
    HEADER,
    `KZ-75-RW-1,Железнодорожный узел Алматы-1,transport,KZ-75,KZ-75-D01,${operator},2,43.34,76.95`,
    `KZ-75-VZ-1,Водозабор,water,KZ-75,,${badCheck},3,,`,
    `KZ-75-RW-1,"Дубль, тот же код",transport,KZ-75,,${operator},2,,`,
    `x1,Short code,pipeline,KZ-75,,${operator},9,43.3,76.9`,
    `${substation.code},Already there,energy,KZ-75,,${operator},1,,`,
    `KZ-75-TEL-9,Too few fields,telecom,KZ-75`,
    `KZ-75-LAT,Not a latitude,energy,KZ-75,,${operator},1,north,76.9`,
  ].join('\n');
  const details = await refused(importObjectsCsv(db, csv, national), 'INFRA_IMPORT_INVALID');
  const issues = (details.issues as { line: number; field: string; reason: string }[]).map((i) => `${i.line}:${i.field}`);
  assert.deepEqual(issues.sort(), ['3:operator_bin', '4:code', '5:code', '5:criticality', '6:code', '7:(row)', '8:lat'].sort());
  const duplicate = (details.issues as { line: number; field: string; reason: string }[]).find((i) => i.line === 4);
  assert.match(duplicate?.reason ?? '', /line 2/);
  assert.equal(await count('infrastructure_objects'), objects, 'no object written');
  assert.equal(await count('audit_log'), audits, 'no audit entry for a refused import');
  await refused(importObjectsCsv(db, 'code,name\nA,B', national), 'INFRA_IMPORT_INVALID');
});

test('CSV import by a regional officer refuses rows for another region, naming the line', async () => {
  const csv = [HEADER, `KZ-75-RW-2,Узел Алматы-2,transport,KZ-75,,${operator},2,,`, `KZ-71-RW-2,Узел Астана,transport,KZ-71,,${operator},2,,`].join('\n');
  const details = await refused(importObjectsCsv(db, csv, almaty), 'INFRA_IMPORT_INVALID');
  assert.deepEqual(details.issues, [{ line: 3, field: 'region', reason: 'outside your region KZ-75' }]);
  assert.equal((await db.query("SELECT 1 FROM infrastructure_objects WHERE code = 'KZ-75-RW-2'")).length, 0);
});

test('a valid CSV (quoted names, blank optional fields, Windows line ends) is imported whole with one audit entry', async () => {
  const csv = [HEADER, `KZ-75-RW-3,"Узел ""Алматы-2"", сортировочная",transport,KZ-75,,${operator},2,,`, `KZ-75-VZ-3,Водозабор Медеу,water,KZ-75,KZ-75-D03,${otherOperator},3,43.16,77.06`, ''].join('\r\n');
  const r = await importObjectsCsv(db, csv, almaty);
  assert.deepEqual(r, { imported: 2, codes: ['KZ-75-RW-3', 'KZ-75-VZ-3'] });
  const rows = await listInfrastructureObjects(db, { kind: 'transport' }, almaty.scope);
  assert.equal(rows.find((o) => o.code === 'KZ-75-RW-3')?.name, 'Узел "Алматы-2", сортировочная');
  const audit = await db.query<{ details: { count: number } }>("SELECT details FROM audit_log WHERE action = 'infra.object.import'");
  assert.deepEqual(audit.map((a) => a.details.count), [2]);
});
