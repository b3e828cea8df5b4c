import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { systemClock } from '../src/kernel/clock.ts';
import { createUser } from '../src/modules/access/index.ts';
import { addShelter, addTransport, assignProtection, createEvacuationPlan, createUnit, type TdContext } from '../src/modules/territorial/index.ts';
import { SHOTS, launchWebBrowser, openApp, signIn } from './helpers/browser.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { PASSWORD } from './helpers/staff.ts';
import { addPeople } from './helpers/summons.ts';
import { infrastructureObject } from './helpers/territorial.ts';

test('territorial defence in the browser: a unit filled after its proposal is seen, an unguarded object listed, an infeasible plan approved by a second officer only with a reason, in Russian too', { timeout: 300_000 }, async (t) => {
  const browser = await launchWebBrowser(t);
  if (!browser) return;
  const db = await freshDb();
  const clock = systemClock;
  await addPeople(db, clock, [1, 2, 3].map((n) => person(400 + n, { region: 'KZ-71', district: 'KZ-71-D01', volunteer: true })).concat(person(410, { region: 'KZ-71', district: 'KZ-71-D02' })));
  for (const username of ['astana.planner', 'astana.second']) {
    await createUser(db, { username, displayName: username, password: PASSWORD, role: 'regional_officer', region: 'KZ-71' }, { actor: 'test:setup', clock });
  }
  const planner: TdContext = { actor: 'user:astana.planner', clock, area: { region: 'KZ-71', district: null } };
  const esil = await createUnit(db, { name: 'Esil company', region: 'KZ-71', district: 'KZ-71-D01', kind: 'volunteer_formation', strengthTarget: 3 }, planner);
  await infrastructureObject(db, { region: 'KZ-71', code: 'AST-CHP2', criticality: 1 });
  await assignProtection(db, esil.id, { objectId: await infrastructureObject(db, { region: 'KZ-71', code: 'AST-GRID', criticality: 1 }), shiftStrength: 2 }, planner);
  await addShelter(db, { name: 'Arena', region: 'KZ-71', district: 'KZ-71-D03', capacity: 300_000 }, planner);
  await addTransport(db, { label: 'Buses', region: 'KZ-71', district: 'KZ-71-D02', vehicles: 1000, seats: 45, tripsPerDay: 3 }, planner);
  // 382,250 people (a quarter of Astana's 1,529,000 by the registry); 300,000 places; 270,000 seat-trips in 48 h.
  const plan = await createEvacuationPlan(db, { name: 'D02 out', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 48 }, planner);
  const { address, page, pageErrors, close } = await openApp(browser, db, clock, { width: 1300, height: 900 });
  try {
    await signIn(page, address, 'astana.second', { path: '/td' });
    await page.getByRole('link', { name: 'Territorial defence' }).click();
    const units = page.getByRole('table', { name: 'Units' });
    await units.waitFor();
    assert.match(await units.innerText(), /Esil company[\s\S]*0 \/ 3 \(0 %\)/);
    await page.getByRole('button', { name: 'Propose members' }).click();
    const proposal = page.getByTestId('td-fill');
    await proposal.waitFor();
    assert.match(await proposal.innerText(), /Esil company: 3 proposed for 3 open places/);
    assert.equal((await db.query('SELECT 1 FROM td_members')).length, 0, 'a proposal adds nobody');
    await page.getByRole('button', { name: 'Add these 3' }).click();
    await page.getByText('3 / 3 (100 %)').waitFor();
    await page.screenshot({ path: join(SHOTS, '19-td-units.png'), fullPage: true });

    await page.getByRole('link', { name: 'Protection of critical objects' }).click();
    await page.getByText('Unprotected objects of national importance: 1').waitFor();
    assert.match(await page.locator('main').innerText(), /AST-CHP2/);
    const guards = page.getByRole('table', { name: 'Guard assignments' });
    assert.match(await guards.innerText(), /AST-GRID[\s\S]*Esil company/);
    await guards.getByRole('button', { name: 'Stand down' }).click();
    await guards.getByLabel('Reason for standing down').fill('substation handed to the police');
    await guards.getByRole('button', { name: 'Stand the guard down' }).click();
    await page.getByText('Unprotected objects of national importance: 2').waitFor();
    await page.getByText('No unit is on guard yet.').waitFor();
    const [ended] = await db.query<{ ended_by: string; end_reason: string }>('SELECT ended_by, end_reason FROM td_protection');
    assert.deepEqual(ended, { ended_by: 'user:astana.second', end_reason: 'substation handed to the police' });

    await page.getByRole('link', { name: 'Evacuation' }).click();
    const card = page.getByTestId(`td-plan-${plan.id}`);
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /People to move\s+382,250/);
    assert.match(text, /Shelter places at the destinations\s+300,000\s+82,250/);
    assert.match(text, /Transport seat-trips in the window\s+270,000\s+112,250/);
    assert.match(text, /only 70 % can be moved and sheltered/);
    const approve = page.getByRole('button', { name: 'Approve despite the shortfall' });
    assert.equal(await approve.isDisabled(), true, 'no approval of a shortfall without a reason');
    await page.getByLabel('Reason for accepting the shortfall').fill('second wave by rail');
    await approve.click();
    await card.getByText('approved', { exact: true }).waitFor();
    assert.match(await card.innerText(), /Shortfall accepted because: second wave by rail/);
    await page.screenshot({ path: join(SHOTS, '20-td-evacuation.png'), fullPage: true });

    await page.getByRole('combobox', { name: 'Language' }).selectOption('ru');
    await page.getByRole('heading', { name: 'Планы эвакуации' }).waitFor();
    assert.match(await card.innerText(), /Подлежит эвакуации, чел\.\s+382\s?250/);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
