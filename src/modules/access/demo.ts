import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Role } from './roles.ts';
import { createUser } from './users.ts';

export interface DemoUser {
  username: string;
  password: string;
  role: Role;
  scope: string;
}

/**
 * One user per role for a demo database, with a random password each (shown to whoever started the demo, never
 * stored in the repository). Two coordinators, so the two-person rule can be tried. Created only when the database
 * has no users at all.
 */
export async function createDemoUsers(db: Db, ctx: { clock: Clock; actor: string }): Promise<DemoUser[] | null> {
  const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if ((n?.n ?? 0) > 0) return null;
  const [enterprise] = await db.query<{ bin: string }>("SELECT employer_bin AS bin FROM persons WHERE employer_bin IS NOT NULL AND region = 'KZ-75' GROUP BY employer_bin ORDER BY count(*) DESC, employer_bin LIMIT 1");
  const [district] = await db.query<{ district: string }>("SELECT district FROM persons WHERE region = 'KZ-75' AND district IS NOT NULL GROUP BY district ORDER BY count(*) DESC, district LIMIT 1");
  const specs: { username: string; role: Role; scope: Record<string, string> }[] = [
    { username: 'coordinator', role: 'national_coordinator', scope: {} },
    { username: 'coordinator2', role: 'national_coordinator', scope: {} },
    { username: 'almaty.officer', role: 'regional_officer', scope: { region: 'KZ-75' } },
    { username: 'almaty.officer2', role: 'regional_officer', scope: { region: 'KZ-75' } },
    { username: 'astana.officer', role: 'regional_officer', scope: { region: 'KZ-71' } },
    ...(district ? [{ username: 'district.officer', role: 'district_officer' as const, scope: { region: 'KZ-75', district: district.district } }] : []),
    { username: 'army.officer', role: 'agency_officer', scope: { agency: 'armed_forces' } },
    { username: 'mia.officer', role: 'internal_affairs', scope: {} },
    ...(enterprise ? [{ username: 'enterprise.officer', role: 'enterprise_officer' as const, scope: { employerBin: enterprise.bin } }] : []),
    { username: 'auditor', role: 'auditor', scope: {} },
  ];
  const out: DemoUser[] = [];
  for (const s of specs) {
    const password = randomBytes(9).toString('base64url');
    await createUser(db, { username: s.username, displayName: s.username, password: `demo-${password}`, role: s.role, ...s.scope }, ctx);
    out.push({ username: s.username, password: `demo-${password}`, role: s.role, scope: Object.values(s.scope).join(' ') });
  }
  return out;
}
