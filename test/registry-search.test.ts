import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { SEARCH_COUNT_LIMIT, searchPersons, type PersonSearch } from '../src/modules/registry/search.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, officer } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
const everyone = () => 'true';
const search = (q: Partial<PersonSearch>) => searchPersons(db, { q: '', page: 1, pageSize: 20, ...q }, { scope: everyone, actor: 'test', at: clock.now() });

const named = [
  officer({ last_name: 'Ахметов', first_name: 'Ерлан' }),
  officer({ last_name: 'Ахметова', first_name: 'Әсем' }),
  officer({ last_name: 'Әбілов', first_name: 'Ерлан' }),
  officer({ last_name: 'Smith_%', first_name: 'John' }),
];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [...named, ...Array.from({ length: SEARCH_COUNT_LIMIT + 5 }, () => officer({ last_name: 'Иванов', first_name: 'Иван' }))]);
});
after(async () => {
  await db?.close();
});

test('name prefixes match in any case, Kazakh letters included, word by word, in name order', async () => {
  const r = await search({ q: 'ахмет' });
  assert.deepEqual(r.persons.map((p) => p.lastName), ['Ахметов', 'Ахметова']);
  assert.deepEqual([r.total, r.more], [2, false]);
  assert.deepEqual((await search({ q: 'АХМЕТОВА ә' })).persons.map((p) => p.firstName), ['Әсем']);
  assert.deepEqual((await search({ q: 'әБІ ер' })).persons.map((p) => p.lastName), ['Әбілов']);
  assert.equal((await search({ q: 'ахмет ер' })).persons.length, 1);
});

test('LIKE wildcards in the query are plain characters', async () => {
  assert.deepEqual((await search({ q: 'smith_%' })).persons.map((p) => p.firstName), ['John']);
  assert.equal((await search({ q: '%' })).total, 0);
  assert.equal((await search({ q: 'smit_' })).total, 0);
});

test('an IIN prefix finds by the primary key; counts stop at the limit and say there are more', async () => {
  const iin = named[0]?.iin as string;
  const r = await search({ q: iin.slice(0, 11) });
  assert.ok(r.persons.some((p) => p.iin === iin));
  assert.ok(r.persons.every((p) => p.iin.startsWith(iin.slice(0, 11))));
  assert.deepEqual((await search({ q: iin })).persons.map((p) => p.iin), [iin]);
  const many = await search({ q: 'иванов' });
  assert.deepEqual([many.total, many.more, many.persons.length], [SEARCH_COUNT_LIMIT, true, 20]);
});
