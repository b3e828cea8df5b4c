import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, launchWebBrowser, openPage, signIn } from './helpers/browser.ts';
import { startPlatform } from './helpers/platform.ts';

test('civil screens: essential personnel by sector and region, the demo tasks, a new task planned by one officer and approved by another', { timeout: 300_000 }, async (t) => {
  const browser = await launchWebBrowser(t);
  if (!browser) return;
  const platform = await startPlatform(['--demo-persons', '3000', '--seed', '3']);
  const pw = (u: string) => platform.passwords.get(u) ?? assert.fail(`no demo user ${u} in:\n${platform.output()}`);
  const { context, page, pageErrors } = await openPage(browser, { width: 1400, height: 900 });
  try {
    await signIn(page, platform.address, 'almaty.officer', { password: pw('almaty.officer') });
    await page.getByRole('link', { name: 'Civil' }).click();
    const personnel = page.getByRole('table', { name: 'Essential personnel by sector and region' });
    await personnel.locator('tbody tr').first().waitFor();
    assert.equal(await personnel.locator('tbody tr').count(), 20, 'every region has essential workers in a 3,000-person registry');
    // `mobilize start` seeded the civil demo (tasks for the region with most such workers); Almaty's officer sees Almaty's only.
    await page.locator('table[aria-label="Civil mobilization tasks"], p.muted:has-text("No civil tasks yet.")').first().waitFor();
    const rows = await page.getByRole('table', { name: 'Civil mobilization tasks' }).locator('tbody tr').allInnerTexts();
    assert.ok(rows.every((r) => r.includes('Almaty')), rows.join('\n'));
    await page.screenshot({ path: join(SHOTS, '21-civil-overview.png'), fullPage: true });

    await page.getByRole('link', { name: 'New civil task' }).click();
    await page.fill('input[name=id]', 'ui-nurses');
    await page.fill('input[name=title]', 'Nurses for the city hospital');
    await page.fill('input[name=due]', '2026-12-20');
    await page.fill('input[name=count]', '500');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('button', { name: 'Plan with the call-up planner' }).click();
    const lines = page.getByRole('table', { name: 'Task' });
    await lines.locator('tbody tr').first().waitFor();
    const [, quota, filled, short, why] = await lines.locator('tbody tr td').allInnerTexts();
    assert.equal(quota, '500');
    assert.equal(Number(filled) + Number(short), 500);
    assert.ok(Number(short) > 0 && /places unfilled/.test(why as string), `${short}: ${why}`);
    await page.getByRole('button', { name: 'Approve (a second person)' }).click();
    await page.getByText(/planned this task and cannot approve it|created or planned this task/).waitFor();
    await page.screenshot({ path: join(SHOTS, '22-civil-task.png'), fullPage: true });

    await page.locator('header button.link').click();
    await signIn(page, platform.address, 'almaty.officer2', { password: pw('almaty.officer2') });
    await page.goto(`${platform.address}/civil/tasks/ui-nurses`);
    await page.getByRole('button', { name: 'Approve (a second person)' }).click();
    await page.getByText('approved', { exact: true }).waitFor();
    assert.deepEqual(pageErrors, []);
  } finally {
    await context.close();
    await browser.close();
    await platform.stop();
  }
});
