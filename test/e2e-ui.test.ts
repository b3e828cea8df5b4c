import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SmscSimulator } from '../src/modules/sms/index.ts';
import { SHOTS, launchWebBrowser, openPage, signIn } from './helpers/browser.ts';
import { startPlatform } from './helpers/platform.ts';

const RECEIPT_DELAY_MS = 3000;

async function signOut(page: Page): Promise<void> {
  await page.locator('header button.link').click();
  await page.locator('input[name=username]').waitFor();
}

const stage = async (page: Page, s: string) => Number((await page.getByTestId(`stage-${s}`).innerText()).replace(/\D/g, ''));

test('the web UI end to end: readiness, registry, a call-up planned and approved by two officers, the funnel moving as the SMSC delivers, the citizen reporting a reason, in Kazakh too', { timeout: 600_000 }, async (t) => {
  const browser = await launchWebBrowser(t);
  if (!browser) return;
  // The platform sends through an SMSC simulator held here, so the test reads the citizen's sign-in code as a phone would.
  const smsc = await SmscSimulator.start({ seed: 7, delayShare: 1, delayMs: RECEIPT_DELAY_MS });
  const platform = await startPlatform(['--demo-persons', '3000', '--seed', '3', '--smsc', `127.0.0.1:${smsc.port}`]);
  const { address, passwords } = platform;
  const pw = (u: string) => passwords.get(u) ?? assert.fail(`no demo user ${u} in:\n${platform.output()}`);
  const { context, page, pageErrors } = await openPage(browser, { width: 1400, height: 900 });
  const shot = (name: string, fullPage = false) => page.screenshot({ path: join(SHOTS, name), fullPage });
  try {
    // A regional officer signs in and lands on readiness: the map of the regions and the table beside it.
    await signIn(page, address, 'almaty.officer', { password: pw('almaty.officer') });
    await page.locator('svg path.region').first().waitFor();
    assert.equal(await page.locator('svg path.region').count(), 20);
    await page.selectOption('select[name=measure]', 'liable');
    const almatyRow = page.locator('tr[data-iso="KZ-75"] td.chosen');
    assert.ok(Number((await almatyRow.innerText()).replace(/\D/g, '')) > 0, 'Almaty has people liable on mobilization');
    assert.notEqual(await page.locator('path[data-iso="KZ-75"]').getAttribute('fill'), await page.locator('path[data-iso="KZ-10"]').getAttribute('fill'));
    await page.getByText('CC BY 4.0').waitFor();
    await shot('01-dashboard.png');

    // Registry search, confined to Almaty, and a person's card with the eligibility reasons and history.
    await page.getByRole('link', { name: 'Registry' }).click();
    await page.fill('input[name=q]', 'ахм');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('table.data tbody tr').first().waitFor();
    const regions = await page.locator('table.data tbody tr td:nth-child(4)').allInnerTexts();
    assert.ok(regions.length > 0 && regions.every((r) => r === 'Almaty'), regions.join());
    await shot('02-registry-search.png');
    const firstName = await page.locator('table.data tbody tr a').first().innerText();
    await page.locator('table.data tbody tr a').first().click();
    assert.equal(await page.getByTestId('person-name').innerText(), firstName);
    await page.getByText('Call-up of reservists on mobilization').waitFor();
    assert.ok((await page.locator('.evaluation summary strong').allInnerTexts()).every((x) => /^(NOT )?ELIGIBLE$/.test(x)));
    await page.getByRole('table', { name: 'History' }).getByText('created').waitFor();
    await shot('03-person-card.png', true);

    // A small call-up for Almaty: one specialty the region has enough of, one it has not.
    await page.getByRole('link', { name: 'Call-up' }).click();
    await page.getByRole('link', { name: 'New call-up order' }).click();
    const rows = page.getByTestId('quota-row');
    await rows.nth(0).locator('select[name=specialty]').selectOption('medical');
    await rows.nth(0).locator('input[name=count]').fill('2');
    await page.getByRole('button', { name: 'Add a row' }).click();
    await rows.nth(1).locator('select[name=specialty]').selectOption('air-defence');
    await rows.nth(1).locator('input[name=count]').fill('10');
    assert.equal(await rows.nth(1).locator('select[name=region]').inputValue(), 'KZ-75');
    await page.getByRole('button', { name: 'Plan the call-up' }).click();
    await page.getByTestId('plan-status').waitFor();
    assert.equal(await page.getByTestId('plan-status').innerText(), 'Draft');
    assert.ok(Number(await page.getByTestId('shortfall-total').innerText()) > 0, 'the air-defence places cannot all be filled');
    assert.ok((await page.locator('tr.short').count()) >= 1);
    const planUrl = page.url();
    // The author cannot approve their own plan: the two-person rule.
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('a second officer must').waitFor();
    await shot('04-callup-plan.png', true);

    // A second Almaty officer approves and issues the summonses.
    await signOut(page);
    await signIn(page, address, 'almaty.officer2', { password: pw('almaty.officer2') });
    await page.goto(planUrl);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Issue summonses' }).click();
    await page.getByText(/Summonses issued: \d+/).waitFor();
    const issued = Number(/Summonses issued: (\d+)/.exec(await page.getByRole('status').innerText())?.[1]);
    assert.ok(issued >= 2, `issued ${issued}`);

    // The funnel moves while the page stays open: sent first, delivered once the SMSC's receipts come back.
    await page.getByRole('link', { name: 'Track the summonses' }).click();
    await page.getByTestId('stage-issued').waitFor();
    const seen = new Set<string>();
    let sentShot = false;
    let last = '';
    let stableSince = Date.now();
    for (const deadline = Date.now() + 90_000; ; await page.waitForTimeout(500)) {
      const now = { sent: await stage(page, 'sent'), delivered: await stage(page, 'delivered'), duly: await stage(page, 'dulyNotified') };
      const key = JSON.stringify(now);
      if (key !== last) [last, stableSince] = [key, Date.now()];
      seen.add(key);
      if (!sentShot && now.sent > 0 && now.delivered < now.sent) {
        await shot('05-funnel-sending.png');
        sentShot = true;
      }
      // Done when people are duly notified and no receipt has moved the counts for a few polls.
      if (now.duly > 0 && Date.now() - stableSince > RECEIPT_DELAY_MS + 3000) break;
      assert.ok(Date.now() < deadline, `the funnel did not settle on delivered: ${[...seen].join(' ')}`);
    }
    assert.ok(sentShot, `the funnel showed sent before delivered: ${[...seen].join(' ')}`);
    assert.equal(await stage(page, 'issued'), issued);
    assert.ok(seen.size >= 2, 'the counts changed on the open page');
    assert.ok(JSON.parse(last).delivered > 0);
    await page.locator('tr.clickable').first().click();
    const smsRow = page.locator('tr[data-testid=summons-row][data-channels~="sms"]').first();
    await smsRow.waitFor();
    const citizenIin = (await smsRow.locator('td.mono').innerText()).trim();
    assert.match(citizenIin, /^\d{12}$/);
    await shot('06-funnel-delivered.png', true);
    await signOut(page);

    // The citizen: IIN, the code from the SMS, their summons, "I have seen it", and a valid reason.
    await page.goto(`${address}/citizen`);
    await page.fill('input[name=iin]', citizenIin);
    const before = smsc.messages.length;
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.locator('input[name=code]').waitFor();
    let code: string | undefined;
    for (const until = Date.now() + 15_000; !code && Date.now() < until; await page.waitForTimeout(200)) {
      code = smsc.messages.slice(before).map((m) => /код входа (\d{6})/.exec(m.text)?.[1]).find(Boolean);
    }
    assert.ok(code, 'the sign-in code arrived at the SMSC');
    await page.fill('input[name=code]', code);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const mine = page.getByTestId('my-summons');
    await mine.first().waitFor();
    assert.equal(await mine.count(), 1);
    await page.getByRole('button', { name: 'I have seen it' }).click();
    await page.getByRole('button', { name: 'I cannot appear: report a valid reason' }).click();
    await page.selectOption('select[name=reason]', 'illness');
    await page.fill('textarea[name=details]', 'Hospitalised until next week');
    await page.getByRole('button', { name: 'Send the reason' }).click();
    await page.getByTestId('pending-reason').waitFor();
    assert.match(await page.getByTestId('pending-reason').innerText(), /Illness/);
    await shot('07-citizen.png', true);

    // Switched to Kazakh, the same page speaks Kazakh; so does the officer's side, which now counts the reason.
    await page.selectOption('select.lang', 'kk');
    await page.getByRole('heading', { name: 'Менің шақыру қағаздарым' }).waitFor();
    assert.match(await page.getByTestId('pending-reason').innerText(), /Келуге кедергі келтіретін ауру/);
    await shot('08-citizen-kk.png', true);
    await page.goto(`${address}/`);
    await page.getByRole('heading', { name: 'Қызметкерлердің кіруі' }).waitFor();
    await signIn(page, address, 'almaty.officer', { password: pw('almaty.officer') });
    await page.getByRole('heading', { name: 'Өңірлер бойынша дайындық' }).waitFor();
    await page.locator('svg path.region').first().waitFor();
    await shot('09-dashboard-kk.png');
    await page.getByRole('link', { name: 'Шақыру қағаздары' }).click();
    await page.getByText('Себеп хабарланды').first().waitFor();
    await page.locator('.funnel .muted', { hasText: 'қаралып жатқан себептер: 1' }).waitFor();
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await browser.close();
    const exit = await platform.stop();
    await smsc.close();
    assert.equal(exit, 0, platform.output());
  }
});
