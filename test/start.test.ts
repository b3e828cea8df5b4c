import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPlatform } from './helpers/platform.ts';

test('`mobilize start` seeds an empty database, prints demo users that can sign in, and serves the API with its simulators', async () => {
  const platform = await startPlatform(['--demo-persons', '400', '--seed', '3']);
  try {
    const out = platform.output();
    assert.match(out, /seeding a demo registry of 400 persons/);
    assert.match(out, /SMSC simulator on 127\.0\.0\.1:\d+; e-Gov simulator on http/);
    for (const role of ['regional_officer KZ-75', 'internal_affairs', 'auditor']) assert.match(out, new RegExp(role));
    const password = platform.passwords.get('coordinator');
    assert.ok(password, out);

    assert.equal((await fetch(`${platform.address}/healthz`)).status, 200);
    const login = await fetch(`${platform.address}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'coordinator', password }) });
    assert.equal(login.status, 201);
    const { token } = (await login.json()) as { token: string };
    const me = await fetch(`${platform.address}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(((await me.json()) as { role: string }).role, 'national_coordinator');
    // The cyber/infrastructure tier is seeded too: six objects in each of the 20 regions.
    const objects = await fetch(`${platform.address}/api/infra/objects`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(((await objects.json()) as { objects: unknown[] }).objects.length, 120);
  } finally {
    assert.equal(await platform.stop(), 0, platform.output());
  }
});
