import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { systemClock } from '../src/kernel/clock.ts';
import { createUser } from '../src/modules/access/index.ts';
import { NATIONAL, assignTask, draftRequisition, registerEnterprise, setCapacity } from '../src/modules/economy/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { SHOTS, launchWebBrowser, openApp, signIn } from './helpers/browser.ts';
import { freshDb } from './helpers/db.ts';
import { PASSWORD } from './helpers/staff.ts';

const own = makeBin('1905', 4, 0, 4242) as string;
const other = makeBin('2003', 4, 0, 777) as string;

test('economy screens in the browser: an enterprise officer sees only their enterprise and accepts its task; a second officer approves a requisition and pays no more than the balance; Kazakh words', { timeout: 300_000 }, async (t) => {
  const browser = await launchWebBrowser(t);
  if (!browser) return;
  const db = await freshDb();
  const clock = systemClock;
  const ctx = { actor: 'user:coordinator', at: clock.now(), scope: NATIONAL };
  await registerEnterprise(db, { bin: own, name: 'Tulpar Trans LLP', region: 'KZ-75', sector: 'logistics' }, ctx);
  await registerEnterprise(db, { bin: other, name: 'Kaspi Energy LLP', region: 'KZ-75', sector: 'energy' }, ctx);
  await setCapacity(db, { bin: own, kind: 'vehicles', subtype: 'truck', quantity: 40, region: 'KZ-75' }, ctx);
  await setCapacity(db, { bin: other, kind: 'fuel', subtype: 'diesel', quantity: 300, region: 'KZ-75' }, ctx);
  const task = await assignTask(db, { bin: own, kind: 'vehicles', subtype: 'truck', quantity: 30, destination: 'KZ-75', dueDate: '2026-12-01', note: '30 trucks to Almaty' }, ctx);
  const req = await draftRequisition(db, { owner: { bin: own }, purpose: 'Assembly point', useFrom: '2026-12-01', useUntil: '2027-02-28', items: [{ kind: 'truck', description: 'KAMAZ-65115', condition: 'good', ageYears: 3 }] }, ctx);
  await createUser(db, { username: 'enterprise.officer', displayName: 'E', password: PASSWORD, role: 'enterprise_officer', employerBin: own }, { actor: 'test:setup', clock });
  for (const username of ['coordinator', 'coordinator2']) await createUser(db, { username, displayName: username, password: PASSWORD, role: 'national_coordinator' }, { actor: 'test:setup', clock });
  const { address, page, pageErrors, close } = await openApp(browser, db, clock, { width: 1400, height: 900 });
  try {
    await signIn(page, address, 'enterprise.officer', { path: '/economy' });
    const list = page.getByRole('table', { name: 'Enterprises' });
    await list.waitFor();
    assert.equal(await list.locator('tbody tr').count(), 1);
    assert.equal(await page.getByText('Kaspi Energy LLP').count(), 0, "another enterprise's name never reaches the page");
    await page.getByRole('link', { name: 'Tulpar Trans LLP' }).click();
    await page.getByTestId(`task-${task.id}`).getByRole('button', { name: 'Accept' }).click();
    await page.getByTestId(`task-${task.id}`).getByText('accepted').waitFor();
    await page.screenshot({ path: join(SHOTS, '15-economy-enterprise.png'), fullPage: true });
    await page.selectOption('select.lang', 'kk');
    await page.getByRole('heading', { name: 'Мәлімделген қуаттар' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Экономика' }).count(), 1);
    await page.selectOption('select.lang', 'en');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, address, 'coordinator2', { path: '/economy' });
    const importForm = page.getByRole('form', { name: 'Import capacities (CSV)' });
    await importForm.getByRole('textbox', { name: 'CSV' }).fill(`bin,kind,subtype,quantity,region\n${own},vehicles,bus,12,KZ-75\n${other},fuel,diesel,lots,KZ-75\n`);
    await importForm.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Line 3, quantity:').waitFor();
    assert.equal(await page.getByRole('table', { name: 'Enterprises' }).getByRole('row', { name: /Tulpar/ }).getByRole('cell').nth(4).innerText(), '40', 'the good line was not written either');
    await page.screenshot({ path: join(SHOTS, '14-economy-enterprises.png'), fullPage: true });
    await page.goto(`${address}/economy/requisitions/${req.id}`);
    await page.getByTestId('requisition-state').waitFor();
    assert.equal(await page.getByTestId('requisition-state').innerText(), 'draft');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('[data-testid=requisition-state]', { hasText: 'in use' }).waitFor();
    const pay = page.getByRole('form', { name: 'Record payment' });
    await pay.getByRole('textbox').fill(`${Math.floor(req.valueTiyn / 100) + 1}`);
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await page.getByText('The payment exceeds the balance').waitFor();
    await pay.getByRole('textbox').fill('1000000,50');
    await pay.getByRole('button', { name: 'Record payment' }).click();
    await page.getByRole('cell', { name: 'paid', exact: true }).waitFor();
    const left = req.valueTiyn - 100_000_050;
    const expected = `${new Intl.NumberFormat('en-GB').format(Math.floor(left / 100))}.${String(left % 100).padStart(2, '0')} ₸`;
    assert.ok((await page.getByTestId('balance').innerText()).includes(expected), `balance ${expected}`);
    await page.screenshot({ path: join(SHOTS, '16-economy-requisition.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
