import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { systemClock } from '../src/kernel/clock.ts';
import { seedCivilDemo } from '../src/modules/civil/index.ts';
import { seedEconomyDemo } from '../src/modules/economy/index.ts';
import { seedInfrastructureDemo } from '../src/modules/infrastructure/index.ts';
import type { FourTierReadiness } from '../src/modules/readiness/index.ts';
import { seedRegistry } from '../src/modules/registry/index.ts';
import { seedTerritorialDemo } from '../src/modules/territorial/index.ts';
import { SHOTS, launchWebBrowser, openApp, signIn } from './helpers/browser.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';

// The browser keeps the session cookie by its own clock, so the platform runs on the real one.
const clock = systemClock;

test('the four-tier dashboard in the browser: every tier on the map and in the table as the API gives it, in Kazakh too', { timeout: 300_000 }, async (t) => {
  const browser = await launchWebBrowser(t);
  if (!browser) return;
  const db = await freshDb();
  const demo = { seed: 2, clock, actor: 'test:demo' };
  await seedRegistry(db, { persons: 3000, seed: 2, clock, actor: 'test:demo' });
  await seedInfrastructureDemo(db, demo);
  await seedTerritorialDemo(db, demo);
  await seedEconomyDemo(db, demo);
  await seedCivilDemo(db, demo);
  const token = await staffToken(db, 'coordinator', 'national_coordinator', {}, clock);
  const { address, page, pageErrors, close } = await openApp(browser, db, clock, { width: 1400, height: 900 });
  const api = (await (await fetch(`${address}/api/dashboard/tiers`, { headers: { authorization: `Bearer ${token}` } })).json()) as FourTierReadiness;
  try {
    await signIn(page, address, 'coordinator');
    await page.getByRole('link', { name: 'Four tiers' }).click();
    await page.getByRole('heading', { name: 'Readiness of the four tiers by region' }).waitFor();
    const tabs = page.getByRole('tab');
    await tabs.first().waitFor();
    assert.deepEqual(await tabs.allInnerTexts(), ['Military', 'Civil', 'Economic', 'Cyber and infrastructure', 'Territorial defence']);

    const names = { military: 'Military', civil: 'Civil', economic: 'Economic', cyber: 'Cyber and infrastructure', territorial: 'Territorial defence' } as const;
    for (const { tier, measures } of api.tiers) {
      await page.getByRole('tab', { name: names[tier] }).click();
      const table = page.getByRole('table', { name: `${names[tier]}: measures per region` });
      await table.waitFor();
      assert.equal(await table.locator('thead th[data-measure]').count(), measures.length, `${tier}: a column per measure`);
      // Every measure of the busiest region, as the API reported it (numbers in the page's en-GB grouping).
      const busiest = [...api.regions].sort((a, b) => Object.values(b.values[tier]).reduce((x, y) => x + y, 0) - Object.values(a.values[tier]).reduce((x, y) => x + y, 0))[0];
      assert.ok(busiest && Object.values(busiest.values[tier]).some((v) => v > 0), `${tier} has demo data`);
      const row = table.locator(`tr[data-iso="${busiest.iso}"]`);
      for (const m of measures) {
        assert.equal(await row.locator(`td[data-measure="${m}"]`).innerText(), busiest.values[tier][m]?.toLocaleString('en-GB'), `${tier}.${m} in ${busiest.iso}`);
      }
      // The map is coloured by the chosen measure (the first, until another is picked): the largest value darkest.
      const measure = await page.locator('select[name=tier-measure]').inputValue();
      assert.equal(measure, measures[0]);
      const values = api.regions.map((r) => r.values[tier][measure] ?? 0);
      const max = Math.max(...values);
      for (const r of api.regions) {
        const fill = await page.locator(`svg path[data-iso="${r.iso}"]`).getAttribute('fill');
        if (max > 0 && r.values[tier][measure] === max) assert.equal(fill, 'rgb(8, 69, 148)', `${tier}.${measure}: ${r.iso} has the most`);
        if (max > 0 && (r.values[tier][measure] ?? 0) === 0) assert.equal(fill, 'rgb(239, 243, 255)', `${tier}.${measure}: ${r.iso} has none`);
      }
    }
    await page.getByRole('tab', { name: 'Territorial defence' }).click();
    await page.selectOption('select[name=tier-measure]', 'shelterPlaces');
    const chosen = page.locator('th.chosen[data-measure="shelterPlaces"]');
    await chosen.waitFor();
    const firstRow = page.locator('table[data-tier="territorial"] tbody tr').first();
    const top = [...api.regions].sort((a, b) => (b.values.territorial.shelterPlaces ?? 0) - (a.values.territorial.shelterPlaces ?? 0) || a.iso.localeCompare(b.iso))[0];
    assert.equal(await firstRow.getAttribute('data-iso'), top?.iso, 'the table is sorted by the chosen measure');
    await page.screenshot({ path: join(SHOTS, '10-four-tiers.png'), fullPage: true });

    await page.selectOption('select.lang', 'kk');
    await page.getByRole('heading', { name: 'Төрт деңгейдің өңірлер бойынша дайындығы' }).waitFor();
    await page.getByRole('tab', { name: 'Аумақтық қорғаныс' }).waitFor();
    await page.screenshot({ path: join(SHOTS, '11-four-tiers-kk.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
