import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Db } from '../src/db/client.ts';
import { fixedClock, type Clock } from '../src/kernel/clock.ts';
import {
  MAX_POLYGON_POINTS,
  approveAlert,
  buildCap,
  capTime,
  composeAlert,
  draftMessage,
  parseCap,
  parseCapTime,
  publishAlert,
  publishedCap,
  regionArea,
  validateCap,
  type AlertScope,
  type CapStatus,
} from '../src/modules/alerts/index.ts';
import { regions } from '../src/modules/registry/index.ts';
import { allClearText, cancelText, floodContent, newAlert } from './helpers/alerts.ts';
import { freshDb } from './helpers/db.ts';

const national: AlertScope = { region: null };
let db: Db;
before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

const at = (iso: string): Clock => fixedClock(iso);
const ctx = (actor: string, clock: Clock) => ({ actor, clock, scope: national });

test('capTime writes whole seconds with an explicit offset, never Z, and reads back to the same instant', () => {
  assert.equal(capTime(new Date('2026-01-02T05:00:00.999Z')), '2026-01-02T10:00:00+05:00');
  assert.equal(capTime(new Date('2026-12-31T20:30:00Z')), '2027-01-01T01:30:00+05:00', 'the calendar day in Kazakhstan');
  assert.equal(capTime(new Date('2026-01-02T05:00:00Z'), -210), '2026-01-02T01:30:00-03:30');
  assert.equal(capTime(new Date('2026-01-02T05:00:00Z'), 0), '2026-01-02T05:00:00+00:00');
  for (const s of ['2026-01-02T10:00:00+05:00', '2026-01-02T01:30:00-03:30']) assert.equal(capTime(parseCapTime(s), 300), capTime(new Date(Date.parse(s)), 300));
  assert.throws(() => parseCapTime('2026-01-02T05:00:00Z'), /not a CAP dateTime/);
});

test('the schema check is real: a Z time, a missing element and malformed XML are refused', () => {
  const good = buildCap({ identifier: 'x.1.1', sender: 'alerts.example', sent: capTime(new Date('2026-11-23T06:00:00Z')), status: 'Actual', msgType: 'Alert', references: [], incident: 'x.1', content: floodContent() });
  assert.deepEqual(validateCap(good), { valid: true, errors: [] });
  const zulu = validateCap(good.replace(/<sent>[^<]+<\/sent>/, `<sent>${new Date('2026-11-23T06:00:00Z').toISOString()}</sent>`));
  assert.equal(zulu.valid, false);
  assert.match(zulu.errors.join(), /sent.*pattern/);
  assert.equal(validateCap(good.replace(/<scope>Public<\/scope>/, '')).valid, false);
  assert.equal(validateCap(good.replace(/<status>Actual/, '<status>Real')).valid, false);
  assert.match(validateCap('<alert><unclosed></alert>').errors.join(), /not well-formed/);
});

interface Published {
  status: CapStatus;
  kind: string;
  xml: string;
}

/** alert → update → cancel, and alert → all-clear, for one status, each message published by a second person. */
async function everyKind(status: CapStatus): Promise<Published[]> {
  const out: Published[] = [];
  const publish = async (id: string, kind: string, when: string) => {
    await approveAlert(db, id, ctx('approver', at(when)));
    await publishAlert(db, id, ctx('approver', at(when)));
    out.push({ status, kind, xml: await publishedCap(db, id) });
  };
  const a = await composeAlert(db, newAlert(status, ['KZ-75', 'KZ-19']), ctx('author', at('2026-11-23T06:00:00Z')));
  await publish(a.id, 'alert', '2026-11-23T06:05:00Z');
  await draftMessage(db, a.id, { kind: 'update', content: floodContent(['KZ-75', 'KZ-19', 'KZ-33'], { severity: 'Extreme', expires: '2026-11-26T12:00:00+05:00' }) }, ctx('author', at('2026-11-23T08:00:00Z')));
  await publish(a.id, 'update', '2026-11-23T08:10:00Z');
  await draftMessage(db, a.id, { kind: 'cancel', reason: 'sent in error', text: cancelText }, ctx('author', at('2026-11-23T09:00:00Z')));
  await publish(a.id, 'cancel', '2026-11-23T09:01:00Z');
  const b = await composeAlert(db, newAlert(status, ['KZ-47'], { info: { ...floodContent().info, en: undefined } }), ctx('author', at('2026-11-23T10:00:00Z')));
  await publish(b.id, 'alert', '2026-11-23T10:02:00Z');
  await draftMessage(db, b.id, { kind: 'all_clear', text: { kk: allClearText.kk, ru: allClearText.ru } }, ctx('author', at('2026-11-24T10:00:00Z')));
  await publish(b.id, 'all_clear', '2026-11-24T10:02:00Z');
  return out;
}

test('every kind of message (alert, update, cancel, all-clear) of every status is valid CAP 1.2 with +05:00 times and the right references', async () => {
  for (const status of ['Actual', 'Exercise', 'Test'] as const) {
    const msgs = await everyKind(status);
    assert.deepEqual(msgs.map((m) => m.kind), ['alert', 'update', 'cancel', 'alert', 'all_clear']);
    for (const m of msgs) {
      const v = validateCap(m.xml);
      assert.ok(v.valid, `${status} ${m.kind}: ${v.errors.join('; ')}`);
      const cap = parseCap(m.xml);
      assert.equal(cap.status, status);
      assert.equal(cap.scope, 'Public');
      assert.match(cap.sent, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00$/);
      for (const i of cap.info) for (const t of [i.onset, i.expires].filter(Boolean)) assert.match(t as string, /\+05:00$/, `${status} ${m.kind} ${i.language}`);
      if (status === 'Actual') assert.equal(cap.note, m.kind === 'cancel' ? 'sent in error' : undefined);
      else assert.match(cap.note ?? '', status === 'Exercise' ? /^УЧЕНИЯ \/ ЖАТТЫҒУ \/ EXERCISE: not a real alert/ : /^TEST: not a real alert/, 'drills and tests say so in <note>');
    }
    const [alert, update, cancel, second, clear] = msgs.map((m) => parseCap(m.xml)) as ReturnType<typeof parseCap>[];
    assert.equal(alert?.sent, '2026-11-23T11:05:00+05:00');
    assert.deepEqual([alert?.msgType, update?.msgType, cancel?.msgType, clear?.msgType], ['Alert', 'Update', 'Cancel', 'Update']);
    assert.equal(alert?.references, undefined);
    assert.equal(update?.references, `${alert?.sender},${alert?.identifier},${alert?.sent}`);
    assert.equal(cancel?.references, `${alert?.sender},${alert?.identifier},${alert?.sent} ${update?.sender},${update?.identifier},${update?.sent}`);
    assert.match(cancel?.note ?? '', /sent in error$/);
    assert.equal(clear?.references, `${second?.sender},${second?.identifier},${second?.sent}`);
    assert.equal(alert?.incidents, update?.incidents);
    assert.equal(new Set([alert, update, cancel, second, clear].map((c) => c?.identifier)).size, 5);
    // Three languages in order, Kazakh first; the update's third region and severity; the cancel and all-clear wording.
    assert.deepEqual(alert?.info.map((i) => i.language), ['kk-KZ', 'ru-RU', 'en-US']);
    assert.deepEqual(update?.info[0]?.area.map((a) => a.geocode[0]?.value), ['KZ-75', 'KZ-19', 'KZ-33']);
    assert.equal(update?.info[1]?.severity, 'Extreme');
    assert.equal(update?.info[0]?.expires, '2026-11-26T12:00:00+05:00');
    assert.deepEqual([cancel?.info[1]?.urgency, cancel?.info[1]?.responseType, cancel?.info[1]?.headline], ['Past', ['None'], cancelText.ru.headline]);
    assert.deepEqual([clear?.info.length, clear?.info[0]?.responseType, clear?.info[1]?.instruction], [2, ['AllClear'], allClearText.ru.instruction]);
    assert.equal(clear?.info[0]?.expires, undefined);
  }
});

test('region areas: closed "lat,lon" polygons of at most 100 points that contain the region centre and keep its area, plus ISO and KATO geocodes', () => {
  const shapes = JSON.parse(readFileSync(new URL('../data/kz-regions.geojson', import.meta.url), 'utf8')) as { features: { properties: { iso: string }; geometry: { type: string; coordinates: number[][][] | number[][][][] } }[] };
  const inside = (pt: [number, number], ring: [number, number][]) => {
    let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  };
  const area = (ring: [number, number][]) => Math.abs(ring.reduce((s, [x, y], i) => { const [x2, y2] = ring[(i + 1) % ring.length] as [number, number]; return s + x * y2 - x2 * y; }, 0)) / 2;
  assert.equal(regions().length, 20);
  for (const r of regions()) {
    const a = regionArea(r.iso);
    const rings = a.polygons.map((p) => p.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]).map(([lat, lon]) => [lon, lat] as [number, number]));
    for (const p of a.polygons) {
      const pairs = p.split(' ');
      assert.ok(pairs.length >= 4 && pairs.length <= MAX_POLYGON_POINTS, `${r.iso}: ${pairs.length} points`);
      assert.equal(pairs[0], pairs.at(-1), `${r.iso}: closed`);
      for (const pair of pairs) {
        const [lat, lon] = pair.split(',').map(Number) as [number, number];
        assert.ok(lat > 40 && lat < 56 && lon > 46 && lon < 88, `${r.iso}: ${pair} is "lat,lon" in Kazakhstan`);
      }
    }
    assert.ok(rings.some((ring) => inside([r.lon, r.lat], ring)), `${r.iso}: centre ${r.lat},${r.lon} inside its polygon`);
    const f = shapes.features.find((x) => x.properties.iso === r.iso) as (typeof shapes.features)[number];
    const outers = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0]] : (f.geometry.coordinates as number[][][][]).map((p) => p[0])) as [number, number][][];
    const ratio = rings.reduce((s, x) => s + area(x), 0) / outers.reduce((s, x) => s + area(x), 0);
    assert.ok(Math.abs(ratio - 1) < 0.03, `${r.iso}: simplified area within 3% of the source (${ratio.toFixed(4)})`);
    assert.deepEqual(a.geocodes.map((g) => g.valueName), ['ISO3166-2', 'KATO']);
    assert.equal(a.geocodes[0]?.value, r.iso);
  }
  // Almaty city's polygon is not Astana's.
  const almaty = regionArea('KZ-75').polygons[0]?.split(' ').map((p) => p.split(',').map(Number)).map(([lat, lon]) => [lon, lat] as [number, number]) ?? [];
  assert.equal(inside([71.45, 51.17], almaty), false);
});

test('figure: time to build and validate one CAP message (three languages, three regions)', () => {
  const msg = { identifier: 'x.1.1', sender: 'alerts.example', sent: capTime(new Date('2026-11-23T06:00:00Z')), status: 'Actual' as const, msgType: 'Alert' as const, references: [], incident: 'x.1', content: floodContent(['KZ-75', 'KZ-19', 'KZ-63']) };
  validateCap(buildCap(msg));
  const n = 200;
  let t = performance.now();
  let xml = '';
  for (let i = 0; i < n; i++) xml = buildCap(msg);
  const build = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) assert.ok(validateCap(xml).valid);
  const validate = (performance.now() - t) / n;
  console.log(`# CAP message of ${xml.length} bytes: build ${build.toFixed(2)} ms, validate ${validate.toFixed(2)} ms (mean of ${n})`);
  assert.ok(build + validate < 100, 'well under a tenth of a second');
});
