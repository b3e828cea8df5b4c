import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildApp } from '../src/api/app.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createUser } from '../src/modules/access/index.ts';
import { SimulatedCellBroadcast, parseCap, startAlertDispatcher, validateCap } from '../src/modules/alerts/index.ts';
import { SmppClient, SmscSimulator } from '../src/modules/sms/index.ts';
import { SHOTS, launchWebBrowser, openPage, signIn } from './helpers/browser.ts';
import { freshDb } from './helpers/db.ts';
import { PASSWORD } from './helpers/staff.ts';
import { addPeople, officer } from './helpers/summons.ts';

test('the alert composer in the browser: a regional officer composes an Almaty alert, cannot approve it, a second officer approves and publishes, the SMS go out to Almaty only, in Kazakh too', { timeout: 300_000 }, async (t) => {
  const browser = await launchWebBrowser(t);
  if (!browser) return;
  const db = await freshDb();
  const clock = systemClock;
  await addPeople(db, clock, [officer({ region: 'KZ-75', mobile: '+77010000101' }), officer({ region: 'KZ-75', mobile: '+77010000102' }), officer({ region: 'KZ-71', mobile: '+77010000103' })]);
  for (const username of ['almaty.officer', 'almaty.officer2']) {
    await createUser(db, { username, displayName: username, password: PASSWORD, role: 'regional_officer', region: 'KZ-75' }, { actor: 'test:setup', clock });
  }
  const smsc = await SmscSimulator.start({ seed: 5 });
  const client = await SmppClient.open({ host: '127.0.0.1', port: smsc.port, systemId: 'mobilize', password: '', sourceAddr: 'ALERT', channel: { name: 'live', exercise: false } });
  const dispatcher = startAlertDispatcher(db, { sms: { client, smsc: 'sim' }, cellBroadcast: new SimulatedCellBroadcast('cb', false) }, { batch: 100, clock, traffic: 'live', pollMs: 200 });
  const app = await buildApp({ db, clock });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const { context, page, pageErrors } = await openPage(browser, { width: 1300, height: 900 });
  try {
    await signIn(page, address, 'almaty.officer', { path: '/alerts' });
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByText('No alerts yet.').waitFor();
    await page.getByRole('link', { name: 'New alert' }).click();
    const form = page.getByRole('form', { name: 'Compose a public alert' });
    await form.waitFor();
    // A regional officer's own region is the only one that can be chosen.
    assert.equal(await page.locator('input[name=region][value="KZ-75"]').isChecked(), true);
    assert.equal(await page.locator('input[name=region][value="KZ-71"]').isDisabled(), true);
    await page.selectOption('select[name=urgency]', 'Immediate');
    await page.selectOption('select[name=severity]', 'Severe');
    await page.selectOption('select[name=certainty]', 'Observed');
    await page.locator('input[name=category][value="Met"]').check();
    await page.locator('input[name=responseType][value="Evacuate"]').check();
    const expires = new Date(Date.now() + 26 * 3600_000 + 5 * 3600_000).toISOString().slice(0, 16);
    await page.fill('input[name=expires]', expires);
    const text = {
      kk: ['Су тасқыны', 'Су тасқыны қаупі: өзен жағалауынан кетіңіз', 'Өзендегі су деңгейі көтерілуде.', 'Биік жерге көтеріліңіз.'],
      ru: ['Паводок', 'Угроза паводка: покиньте берег реки', 'Уровень воды растёт.', 'Поднимитесь на возвышенность.'],
    };
    for (const [l, [event, headline, description, instruction]] of Object.entries(text)) {
      await page.fill(`input[name="${l}.event"]`, event as string);
      await page.fill(`input[name="${l}.headline"]`, headline as string);
      await page.fill(`textarea[name="${l}.description"]`, description as string);
      await page.fill(`textarea[name="${l}.instruction"]`, instruction as string);
    }
    assert.match(await page.getByTestId('sms-length').innerText(), /SMS text: \d+ characters/);
    await page.screenshot({ path: join(SHOTS, '12-alert-composer.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await page.getByTestId('alert-phase').waitFor();
    assert.equal(await page.getByTestId('alert-phase').innerText(), 'Draft');
    assert.match(page.url(), /\/alerts\/\d+$/);
    const alertUrl = page.url();
    const id = alertUrl.split('/').at(-1) as string;
    // The two-person rule: the author is refused.
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('You wrote this message, so you cannot approve it').waitFor();

    await page.locator('header button.link').click();
    await page.locator('input[name=username]').waitFor();
    await signIn(page, address, 'almaty.officer2', { path: '/alerts' });
    await page.goto(alertUrl);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('approved, not yet published').waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published', { exact: true }).waitFor();
    // The dispatcher sends while the page is open; the page polls the counts.
    await page.getByTestId('message-1').getByText(/SMS: 2 sent/).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, '13-alert-published.png'), fullPage: true });
    assert.deepEqual(smsc.messages.map((m) => m.destination).sort(), ['77010000101', '77010000102'], 'Almaty only');

    const cap = await (await fetch(`${address}/api/alerts/${id}/cap/1`)).text();
    assert.ok(validateCap(cap).valid);
    const parsed = parseCap(cap);
    assert.deepEqual([parsed.status, parsed.info[0]?.severity, parsed.info[1]?.headline, parsed.info[0]?.area[0]?.geocode[0]?.value], ['Actual', 'Severe', text.ru[1], 'KZ-75']);
    assert.match(parsed.info[0]?.expires ?? '', new RegExp(`^${expires}:00\\+05:00$`), 'the time typed is Kazakhstan time');

    // The same page in Kazakh.
    await page.selectOption('select.lang', 'kk');
    await page.getByRole('link', { name: 'Құлақтандыру' }).waitFor();
    assert.equal(await page.getByTestId('alert-phase').innerText(), 'Жарияланды');
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await browser.close();
    await app.close();
    await dispatcher.stop();
    await smsc.close();
    await db.close();
  }
});
