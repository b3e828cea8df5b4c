import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { systemClock } from '../src/kernel/clock.ts';
import { createUser } from '../src/modules/access/index.ts';
import { NATIONAL, createObject, formCyberUnit, openIncident } from '../src/modules/infrastructure/index.ts';
import { makeBin, makeIin } from '../src/modules/registry/index.ts';
import { SHOTS, launchWebBrowser, openApp, signIn } from './helpers/browser.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { PASSWORD } from './helpers/staff.ts';
import { addPeople } from './helpers/summons.ts';

test('infrastructure screens in the browser: an Almaty officer sees Almaty objects only, a unit and its members, and contains an incident; in Kazakh too', { timeout: 300_000 }, async (t) => {
  const browser = await launchWebBrowser(t);
  if (!browser) return;
  const db = await freshDb();
  const ctx = { actor: 'test:setup', at: systemClock.now(), scope: NATIONAL };
  const bin = makeBin('0504', 4, 0, 123) as string;
  await addPeople(db, systemClock, [person(1, { iin: makeIin('1990-04-04', 'M', 41) as string, birth_date: '1990-04-04', sex: 'M', region: 'KZ-75', sector: 'cyber', occupation: 'сетевой инженер', last_name: 'Оспанов' })]);
  const tel = await createObject(db, { code: 'KZ-75-TEL', name: 'Узел связи Алматы', kind: 'telecom', region: 'KZ-75', operatorBin: bin, criticality: 1 }, ctx);
  await createObject(db, { code: 'KZ-75-TEC', name: 'ТЭЦ-2 Алматы', kind: 'energy', region: 'KZ-75', operatorBin: bin, criticality: 1 }, ctx);
  await createObject(db, { code: 'KZ-71-TEC', name: 'ТЭЦ-2 Астана', kind: 'energy', region: 'KZ-71', operatorBin: bin, criticality: 1 }, ctx);
  await formCyberUnit(db, { name: 'Киберрезерв Алматы', homeRegion: 'KZ-75', sizeTarget: 5, apply: true }, ctx);
  const incident = await openIncident(db, { objectId: tel.id, kind: 'cyber', severity: 'high', title: 'DDoS на узел связи', reportedAt: new Date(Date.now() - 3600_000).toISOString() }, ctx);
  await createUser(db, { username: 'almaty.officer', displayName: 'almaty.officer', password: PASSWORD, role: 'regional_officer', region: 'KZ-75' }, { actor: 'test:setup', clock: systemClock });
  const { address, page, pageErrors, close } = await openApp(browser, db, systemClock, { width: 1300, height: 900 });
  try {
    await signIn(page, address, 'almaty.officer', { path: '/infra' });
    await page.getByRole('link', { name: 'Infrastructure' }).click();
    const objects = page.getByRole('table', { name: 'Objects' });
    await objects.waitFor();
    assert.deepEqual(await objects.locator('tbody td.mono:first-child').allInnerTexts(), ['KZ-75-TEC', 'KZ-75-TEL']);
    await page.selectOption('select[name=kind]', 'telecom');
    await page.getByText('1 objects').waitFor();
    assert.deepEqual(await objects.locator('tbody td.mono:first-child').allInnerTexts(), ['KZ-75-TEL']);
    await page.screenshot({ path: join(SHOTS, '17-infra-objects.png'), fullPage: true });

    await page.getByRole('link', { name: 'Cyber units' }).click();
    await page.getByRole('button', { name: 'Members' }).click();
    const members = page.getByRole('table', { name: 'Members' });
    await members.waitFor();
    assert.match(await members.innerText(), /lead.*Оспанов/s);
    const reads = await db.query("SELECT 1 FROM audit_log WHERE action = 'infra.cyber_unit.members.read' AND actor = 'user:almaty.officer'");
    assert.equal(reads.length, 1, 'the member view is audited');
    await members.getByRole('button', { name: 'Remove' }).click();
    await members.getByLabel('Reason for removal').fill('переведён в другой регион');
    await members.getByRole('button', { name: 'Remove from the unit' }).click();
    await page.getByRole('table', { name: 'Cyber units' }).getByText('0 / 5').waitFor();
    // The member list reloads on its own request, which may answer after the units table's.
    await members.locator('tbody tr').first().waitFor({ state: 'detached' });
    assert.equal(await members.locator('tbody tr').count(), 0);
    const removal = await db.query<{ details: { reason: string } }>("SELECT details FROM audit_log WHERE action = 'infra.cyber_unit.member.remove' AND actor = 'user:almaty.officer'");
    assert.deepEqual(removal.map((r) => r.details.reason), ['переведён в другой регион']);

    await page.getByRole('link', { name: 'Incident log' }).click();
    await page.getByRole('link', { name: 'DDoS на узел связи' }).click();
    await page.getByTestId('incident-status').waitFor();
    assert.equal(await page.getByTestId('incident-status').innerText(), 'open');
    assert.equal(await page.getByRole('button', { name: 'Mark resolved' }).count(), 0, 'resolve is not offered before containment');
    await page.fill('input[name=note]', 'Фильтрация у провайдера');
    await page.getByRole('button', { name: 'Mark contained' }).click();
    await page.getByText('contained', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Mark resolved' }).waitFor();
    assert.match(await page.locator('ol').innerText(), /contained · user:almaty\.officer: Фильтрация у провайдера/);
    const entries = await db.query<{ kind: string }>('SELECT kind FROM infra_incident_entries WHERE incident_id = $1 ORDER BY seq', [incident.id]);
    assert.deepEqual(entries.map((e) => e.kind), ['open', 'contain']);
    await page.screenshot({ path: join(SHOTS, '18-infra-incident.png'), fullPage: true });

    await page.selectOption('select.lang', 'kk');
    await page.getByRole('link', { name: 'Оқиғалар журналы' }).waitFor();
    assert.equal(await page.getByTestId('incident-status').innerText(), 'оқшауланды');
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
