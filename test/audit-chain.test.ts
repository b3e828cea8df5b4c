import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { appendAudit, auditRead, verifyAudit } from '../src/modules/audit/index.ts';
import { freshDb } from './helpers/db.ts';

const at = new Date('2026-11-23T06:00:00Z');
let db: Db;

before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

/** What someone who owns the table can still do: switch the append-only trigger off, change, switch it on. */
async function tamper(sql: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await tx.exec(sql);
    await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
  });
}

const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params))[0]?.n);

test('concurrent audited reads and audited writes make one unbroken chain with every entry in it', async () => {
  const before = await count('SELECT count(*) AS n FROM audit_log');
  const reads = Array.from({ length: 300 }, (_, i) => auditRead(db, { at, actor: `citizen:${i}`, action: 'test.read', subject: `person:${i}`, details: { i } }));
  const writes = Array.from({ length: 20 }, (_, i) => db.transaction((tx) => appendAudit(tx, { at, actor: 'officer', action: 'test.write', details: { i } })));
  await Promise.all([...reads, ...writes]);
  assert.equal(await count('SELECT count(*) AS n FROM audit_log'), before + 320);
  assert.equal(await count("SELECT count(DISTINCT subject) AS n FROM audit_log WHERE action = 'test.read'"), 300);
  // Reads queued together are committed in shared transactions; the chain must still be linear.
  assert.equal(await count('SELECT max(seq) - min(seq) + 1 AS n FROM audit_log'), await count('SELECT count(*) AS n FROM audit_log'));
  const v = await verifyAudit(db);
  assert.deepEqual(v, { ok: true, entries: before + 320, problems: [], moreProblems: 0 });
});

test('a read whose entry cannot be recorded fails alone; the reads queued with it are recorded', async () => {
  const good = auditRead(db, { at, actor: 'citizen:a', action: 'test.read.ok', details: {} });
  await assert.rejects(auditRead(db, { at, actor: 'citizen:b', action: 'test.read.bad', details: { n: 1n } }));
  await good;
  assert.equal(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'test.read.ok'"), 1);
  assert.equal(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'test.read.bad'"), 0);
  assert.equal((await verifyAudit(db)).ok, true);
});

test('an edited entry breaks the chain at that entry', async () => {
  const [{ seq } = { seq: 0 }] = await db.query<{ seq: number }>("SELECT seq FROM audit_log WHERE action = 'test.read' ORDER BY seq LIMIT 1 OFFSET 7");
  await tamper(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = ${Number(seq)}`);
  const v = await verifyAudit(db);
  assert.equal(v.ok, false);
  assert.equal(v.problem?.seq, Number(seq));
});

test('after one break the walk goes on: a later edit and a deleted entry are each named too', async () => {
  const rows = await db.query<{ seq: number }>("SELECT seq FROM audit_log WHERE action = 'test.read' ORDER BY seq LIMIT 3 OFFSET 100");
  const [a, b, c] = rows.map((r) => Number(r.seq)) as [number, number, number];
  await tamper(`UPDATE audit_log SET details = '{"i": -1}' WHERE seq = ${b}`);
  await tamper(`DELETE FROM audit_log WHERE seq = ${c}`);
  const v = await verifyAudit(db);
  const named = v.problems.map((p) => `${p.seq}:${p.reason}`);
  assert.ok(named.includes(`${b}:entry content does not match its hash`), named.join(', '));
  assert.ok(named.includes(`${c}:entry missing`), named.join(', '));
  assert.ok(!named.some((n) => n.startsWith(`${c + 1}:`)), 'the entry after the gap is not blamed for it');
  assert.ok(a < b);
});

test('what is hashed is what is stored, even for text PostgreSQL changes: a lone surrogate or a NUL in an entry', async () => {
  const fresh = await freshDb();
  try {
    await fresh.transaction((tx) => appendAudit(tx, { at, actor: 'anonymous@x', action: 'access.login.failed', subject: 'user:\ud800x', details: { note: 'a\u0000b', ['k\udfff']: 1 } }));
    await auditRead(fresh, { at, actor: 'x\ud800', action: 'test.read' });
    assert.deepEqual(await verifyAudit(fresh), { ok: true, entries: 2, problems: [], moreProblems: 0 });
  } finally {
    await fresh.close();
  }
});

test('the audit log and every ledger refuse UPDATE, DELETE and TRUNCATE', async () => {
  const [{ seq } = { seq: 0 }] = await db.query<{ seq: number }>('SELECT max(seq) AS seq FROM audit_log');
  await assert.rejects(db.query("UPDATE audit_log SET actor = 'x' WHERE seq = $1", [seq]), /append-only/);
  await assert.rejects(db.query('DELETE FROM audit_log WHERE seq = $1', [seq]), /append-only/);
  const ledgers = await db.query<{ t: string }>("SELECT DISTINCT c.relname AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname LIKE '%\\_append\\_only' ORDER BY 1");
  assert.ok(ledgers.length >= 15, ledgers.map((l) => l.t).join(' '));
  for (const { t } of ledgers) await assert.rejects(db.query(`TRUNCATE ${t} CASCADE`), /append-only/, t);
  assert.equal((await verifyAudit(db)).ok, false, 'the tampering of the tests above is still found');
});
