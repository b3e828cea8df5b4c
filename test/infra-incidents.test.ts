import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import {
  NATIONAL,
  createCyberUnit,
  createObject,
  incidentState,
  infrastructureReadiness,
  listIncidents,
  openIncident,
  recordIncident,
  showIncident,
  type InfraContext,
  type TimelineEntry,
} from '../src/modules/infrastructure/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';

const t0 = new Date('2026-11-23T06:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const national = (m = 0): InfraContext => ({ actor: 'user:coordinator', at: at(m), scope: NATIONAL });
const almaty = (m = 0): InfraContext => ({ actor: 'user:almaty.officer', at: at(m), scope: { region: 'KZ-75', district: null, operatorBin: null } });
const astana = (m = 0): InfraContext => ({ actor: 'user:astana.officer', at: at(m), scope: { region: 'KZ-71', district: null, operatorBin: null } });
const bin = makeBin('0504', 4, 0, 123) as string;
let db: Db;
let hub = 0;
let astanaPlant = 0;
let unit = 0;
let astanaUnit = 0;

before(async () => {
  db = await freshDb();
  hub = (await createObject(db, { code: 'KZ-75-TEL', name: 'Узел связи Алматы', kind: 'telecom', region: 'KZ-75', operatorBin: bin, criticality: 1 }, national())).id;
  astanaPlant = (await createObject(db, { code: 'KZ-71-TEC', name: 'ТЭЦ-2 Астана', kind: 'energy', region: 'KZ-71', operatorBin: bin, criticality: 1 }, national())).id;
  unit = (await createCyberUnit(db, { name: 'Киберрезерв Алматы', homeRegion: 'KZ-75', sizeTarget: 5 }, national())).id;
  astanaUnit = (await createCyberUnit(db, { name: 'Киберрезерв Астаны', homeRegion: 'KZ-71', sizeTarget: 5 }, national())).id;
});
after(async () => {
  await db.close();
});

async function refused(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e) => isDomainError(e, code) || assert.fail(`expected ${code}, got ${String(e)}`));
}

test('an incident goes open → contained → resolved; other moves are refused and leave the timeline as it was', async () => {
  const opened = await openIncident(db, { objectId: hub, kind: 'cyber', severity: 'high', title: 'DDoS на узел связи', reportedAt: '2026-11-23T10:40:00+05:00', respondingUnitId: unit }, almaty(0));
  assert.deepEqual([opened.status, opened.region, opened.respondingUnitId, opened.objectCode], ['open', 'KZ-75', unit, 'KZ-75-TEL']);
  assert.equal(opened.reportedAt, '2026-11-23T10:40:00+05:00', 'shown in Kazakhstan time');
  await refused(recordIncident(db, opened.id, { kind: 'resolve' }, almaty(5)), 'INFRA_BAD_TRANSITION');
  await recordIncident(db, opened.id, { kind: 'note', note: 'Трафик 40 Гбит/с с 300 адресов' }, almaty(10));
  const contained = await recordIncident(db, opened.id, { kind: 'contain', note: 'Фильтрация у провайдера' }, almaty(30));
  assert.deepEqual([contained.status, contained.containedAt], ['contained', '2026-11-23T11:30:00+05:00']);
  await refused(recordIncident(db, opened.id, { kind: 'contain' }, almaty(35)), 'INFRA_BAD_TRANSITION');
  const resolved = await recordIncident(db, opened.id, { kind: 'resolve' }, almaty(90));
  assert.deepEqual([resolved.status, resolved.resolvedAt], ['resolved', '2026-11-23T12:30:00+05:00']);
  for (const kind of ['contain', 'resolve'] as const) await refused(recordIncident(db, opened.id, { kind }, almaty(95)), 'INFRA_BAD_TRANSITION');
  await recordIncident(db, opened.id, { kind: 'note', note: 'Отчёт после инцидента' }, almaty(120));
  const { timeline } = await showIncident(db, opened.id, NATIONAL);
  assert.deepEqual(timeline.map((e) => [e.seq, e.kind, e.at]), [
    [1, 'open', '2026-11-23T11:00:00+05:00'],
    [2, 'note', '2026-11-23T11:10:00+05:00'],
    [3, 'contain', '2026-11-23T11:30:00+05:00'],
    [4, 'resolve', '2026-11-23T12:30:00+05:00'],
    [5, 'note', '2026-11-23T13:00:00+05:00'],
  ]);
  const audit = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE subject = $1 ORDER BY seq", [`infra-incident:${opened.id}`]);
  assert.deepEqual(audit.map((a) => a.action), ['infra.incident.open', 'infra.incident.note', 'infra.incident.contain', 'infra.incident.resolve', 'infra.incident.note']);
});

test('the reducer refuses a timeline that does not start with open, and folds the responding unit from assign entries', () => {
  const e = (seq: number, kind: TimelineEntry['kind'], unitId: number | null = null): TimelineEntry => ({ seq, at: at(seq), actor: 'a', kind, note: null, unitId });
  assert.throws(() => incidentState([e(1, 'note')]), (x) => isDomainError(x, 'INFRA_BAD_TIMELINE'));
  assert.throws(() => incidentState([e(1, 'open'), e(2, 'open')]), (x) => isDomainError(x, 'INFRA_BAD_TRANSITION'));
  const s = incidentState([e(1, 'open', 7), e(2, 'assign', 9), e(3, 'contain')]);
  assert.deepEqual([s.status, s.respondingUnitId], ['contained', 9]);
});

test('the incident and its timeline are append-only in the database itself', async () => {
  const [row] = await db.query<{ id: string }>('SELECT id FROM infra_incidents LIMIT 1');
  for (const sql of [
    'UPDATE infra_incident_entries SET note = $2 WHERE incident_id = $1',
    'DELETE FROM infra_incident_entries WHERE incident_id = $1 AND $2::text IS NOT NULL',
    "UPDATE infra_incidents SET severity = 'low' WHERE id = $1 AND $2::text IS NOT NULL",
    'DELETE FROM infra_incidents WHERE id = $1 AND $2::text IS NOT NULL',
  ]) {
    await assert.rejects(db.query(sql, [row?.id, 'edited']), /append-only/, sql);
  }
});

test('assigning a responding unit, and an incident under a unit\'s responsibility without an object', async () => {
  const i = await openIncident(db, { unitId: unit, kind: 'cyber', severity: 'medium', title: 'Фишинг против акиматов', reportedAt: at(-60).toISOString() }, almaty(0));
  assert.deepEqual([i.region, i.objectId, i.respondingUnitId, i.respondingUnitCode], ['KZ-75', null, unit, 'CYB-KZ-75-01']);
  await refused(recordIncident(db, i.id, { kind: 'assign', unitId: astanaUnit }, almaty(1)), 'INFRA_UNIT_NOT_FOUND');
  const moved = await recordIncident(db, i.id, { kind: 'assign', unitId: astanaUnit }, national(1));
  assert.equal(moved.respondingUnitCode, 'CYB-KZ-71-01');
  await refused(openIncident(db, { kind: 'outage', severity: 'low', title: 'Без объекта', reportedAt: at(-1).toISOString() }, national()), 'INFRA_INVALID_INCIDENT');
  await refused(openIncident(db, { objectId: hub, kind: 'outage', severity: 'low', title: 'Будущее', reportedAt: at(10).toISOString() }, national()), 'INFRA_INCIDENT_IN_FUTURE');
  await refused(openIncident(db, { objectId: hub, kind: 'outage', severity: 'low', title: 'Без пояса', reportedAt: '2026-11-23T10:00:00' }, national()), 'INFRA_INVALID_INCIDENT');
});

test("a regional officer neither sees nor writes another region's incidents", async () => {
  await refused(openIncident(db, { objectId: astanaPlant, kind: 'outage', severity: 'medium', title: 'Отключение Т-2', reportedAt: at(-5).toISOString() }, almaty()), 'INFRA_OBJECT_NOT_FOUND');
  const own = await openIncident(db, { objectId: astanaPlant, kind: 'outage', severity: 'critical', title: 'Отключение Т-2', reportedAt: at(-5).toISOString() }, astana());
  await refused(showIncident(db, own.id, almaty().scope), 'INFRA_INCIDENT_NOT_FOUND');
  await refused(recordIncident(db, own.id, { kind: 'note', note: 'чужой' }, almaty()), 'INFRA_INCIDENT_NOT_FOUND');
  await refused(listIncidents(db, { region: 'KZ-71' }, almaty().scope), 'ACCESS_OUT_OF_SCOPE');
  const seen = await listIncidents(db, {}, almaty().scope);
  assert.ok(seen.length > 0 && seen.every((i) => i.region === 'KZ-75'));
  assert.deepEqual((await listIncidents(db, { status: 'open' }, NATIONAL)).map((i) => i.region).sort(), ['KZ-71', 'KZ-75']);
  assert.deepEqual((await listIncidents(db, { status: 'resolved' }, NATIONAL)).map((i) => i.title), ['DDoS на узел связи']);
});

test('readiness counts per region: objects, national objects, units, reservists and unresolved incidents', async () => {
  const r = await infrastructureReadiness(db);
  assert.equal(r.length, 20, 'every region, zeros included');
  const m = (iso: string) => r.find((x) => x.region === iso)?.measures;
  assert.deepEqual(m('KZ-75'), { objects: 1, nationalObjects: 1, cyberUnits: 1, cyberReservists: 0, cyberFill: 0, openIncidents: 1, criticalOpenIncidents: 0 });
  assert.deepEqual(m('KZ-71'), { objects: 1, nationalObjects: 1, cyberUnits: 1, cyberReservists: 0, cyberFill: 0, openIncidents: 1, criticalOpenIncidents: 1 });
  assert.equal(m('KZ-47')?.objects, 0);
});
