import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { kzDate } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { heldByCallupSql } from '../callup/index.ts';
import { idProblem, regions } from '../registry/index.ts';
import { assertRegionInScope, regionalOnly, type InfraContext, type InfraScope } from './scope.ts';
import { rowsOf } from './rows.ts';
import { cyberSkillMatch, skillConditionSql, skillTierSql, type SkillFacts } from './skills.ts';

export const MEMBER_ROLES = ['lead', 'analyst', 'operator', 'engineer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

const Iin = z.string().trim().refine((s) => idProblem(s) === null, 'not a valid IIN (12 digits with a correct check digit)');
const RegionCode = z.string().trim().refine((r) => regions().some((x) => x.iso === r), 'not a region code');

export const NewMember = z.object({ iin: Iin, role: z.enum(MEMBER_ROLES) }).strict();
export type NewMember = z.infer<typeof NewMember>;

export const NewCyberUnit = z
  .object({
    name: z.string().trim().min(3).max(200),
    homeRegion: RegionCode,
    sizeTarget: z.number().int().min(1).max(500),
    members: z.array(NewMember).max(500).default([]),
  })
  .strict();
export type NewCyberUnit = z.input<typeof NewCyberUnit>;

export const FormCyberUnit = z
  .object({
    name: z.string().trim().min(3).max(200),
    homeRegion: RegionCode,
    sizeTarget: z.number().int().min(1).max(500),
    /** false: only propose; true: create the unit with the proposed members. */
    apply: z.boolean().default(false),
  })
  .strict();
export type FormCyberUnit = z.input<typeof FormCyberUnit>;

export interface CyberUnit {
  id: number;
  code: string;
  name: string;
  homeRegion: string;
  sizeTarget: number;
  members: number;
  createdAt: Date;
  createdBy: string;
}

export interface UnitMember {
  iin: string;
  role: MemberRole;
  lastName: string;
  firstName: string;
  region: string;
  occupation: string | null;
  specialty: string | null;
  joinedAt: Date;
}

export interface Candidate {
  iin: string;
  lastName: string;
  firstName: string;
  district: string | null;
  occupation: string | null;
  specialty: string | null;
  tier: number;
  role: MemberRole;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError('INFRA_INVALID_UNIT', `${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })) });
}

const unitRow = (r: Record<string, unknown>): CyberUnit => ({
  id: Number(r.id), code: String(r.code), name: String(r.name), homeRegion: String(r.home_region), sizeTarget: Number(r.size_target),
  members: Number(r.members ?? 0), createdAt: new Date(r.created_at as string), createdBy: String(r.created_by),
});

/** The role a proposed member gets: the strongest candidate leads; then by the kind of skill they bring. */
function proposedRole(index: number, tier: number): MemberRole {
  if (index === 0) return 'lead';
  return tier === 1 ? 'analyst' : tier === 2 ? 'engineer' : 'operator';
}

/**
 * The eligible pool of a region, in the documented order: strongest skill tier first, then volunteers, then IIN
 * ascending (stable and carrying no merit, so ties are broken the same way on every run and engine).
 * Eligible: matches the skill rule on the day, lives in the region, in no unit, not held by an active call-up.
 */
async function candidates(q: Db | Tx, region: string, at: Date, limit: number): Promise<Candidate[]> {
  const params: unknown[] = [region];
  const tier = skillTierSql('p', params);
  const cond = skillConditionSql('p', kzDate(at), params);
  const sql = `SELECT p.iin, p.last_name, p.first_name, p.district, p.occupation, p.specialty, ${tier} AS tier
                 FROM persons p
                WHERE p.region = $1 AND ${cond}
                  AND NOT EXISTS (SELECT 1 FROM cyber_unit_members m WHERE m.iin = p.iin)
                  AND NOT ${heldByCallupSql('p.iin')}
                ORDER BY tier, p.volunteer DESC, p.iin
                LIMIT ${Math.max(1, Math.min(500, Math.trunc(limit)))}`;
  const rows = await rowsOf(q, sql, params);
  return rows.map((r, i) => ({
    iin: String(r.iin), lastName: String(r.last_name), firstName: String(r.first_name), district: (r.district as string | null) ?? null,
    occupation: (r.occupation as string | null) ?? null, specialty: (r.specialty as string | null) ?? null, tier: Number(r.tier), role: proposedRole(i, Number(r.tier)),
  }));
}

async function nextCode(tx: Tx, region: string): Promise<string> {
  const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM cyber_units WHERE home_region = $1', [region]);
  return `CYB-${region}-${String(Number(rows[0]?.n ?? 0) + 1).padStart(2, '0')}`;
}

/** Checks one person against the membership rules inside the transaction that adds them. */
async function admit(tx: Tx, unit: CyberUnit, m: NewMember, ctx: InfraContext): Promise<void> {
  const params: unknown[] = [m.iin];
  const scoped = ctx.scope.region ? ` AND p.region = $${params.push(ctx.scope.region)}` : '';
  const { rows } = await tx.query<SkillFacts & { held: boolean; unit_code: string | null }>(
    `SELECT p.sector, p.occupation, p.specialty, p.birth_date::text AS birth_date, p.serving_sentence, p.resides_abroad,
            ${heldByCallupSql('p.iin')} AS held,
            (SELECT u.code FROM cyber_unit_members cm JOIN cyber_units u ON u.id = cm.unit_id WHERE cm.iin = p.iin) AS unit_code
       FROM persons p WHERE p.iin = $1${scoped}`,
    params,
  );
  const p = rows[0];
  if (!p) throw new DomainError('INFRA_PERSON_NOT_FOUND', `No person with IIN ${m.iin} that you may see.`, { iin: m.iin });
  const match = cyberSkillMatch(p, kzDate(ctx.at));
  if (match.tier === null) throw new DomainError('INFRA_NOT_ELIGIBLE', `${m.iin} cannot join a cyber unit: ${match.why}.`, { iin: m.iin, reason: match.why });
  if (p.unit_code) throw new DomainError('INFRA_ALREADY_IN_UNIT', `${m.iin} is already a member of unit ${p.unit_code}.`, { iin: m.iin, unit: p.unit_code });
  if (p.held) throw new DomainError('INFRA_IN_CALLUP', `${m.iin} is assigned in an active military call-up plan.`, { iin: m.iin });
  const { rows: count } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM cyber_unit_members WHERE unit_id = $1', [unit.id]);
  if (Number(count[0]?.n) >= unit.sizeTarget) throw new DomainError('INFRA_UNIT_FULL', `Unit ${unit.code} already has its ${unit.sizeTarget} members.`, { unit: unit.code });
  if (m.role === 'lead') {
    const { rows: lead } = await tx.query("SELECT 1 FROM cyber_unit_members WHERE unit_id = $1 AND role = 'lead'", [unit.id]);
    if (lead.length) throw new DomainError('INFRA_UNIT_HAS_LEAD', `Unit ${unit.code} already has a lead.`, { unit: unit.code });
  }
  await tx.query('INSERT INTO cyber_unit_members (iin, unit_id, role, joined_at, added_by) VALUES ($1, $2, $3, $4, $5)', [m.iin, unit.id, m.role, ctx.at, ctx.actor]);
  await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.cyber_unit.member.add', subject: `person:${m.iin}`, details: { unit: unit.code, role: m.role, skill: match.why } });
}

/**
 * Membership changes (and unit codes) are taken one transaction at a time, so the one-unit-per-person, size, lead
 * and code checks see every earlier change; units are formed rarely, so one lock for all of them costs nothing.
 */
const lockMembership = (tx: Tx) => tx.query('SELECT pg_advisory_xact_lock($1)', [7_221_013]);

async function insertUnit(tx: Tx, u: { name: string; homeRegion: string; sizeTarget: number }, ctx: InfraContext): Promise<CyberUnit> {
  regionalOnly(ctx.scope);
  assertRegionInScope(ctx.scope, u.homeRegion);
  await lockMembership(tx);
  const code = await nextCode(tx, u.homeRegion);
  const { rows } = await tx.query<Record<string, unknown>>(
    'INSERT INTO cyber_units (code, name, home_region, size_target, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
    [code, u.name, u.homeRegion, u.sizeTarget, ctx.at, ctx.actor],
  );
  await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.cyber_unit.create', subject: `cyber-unit:${code}`, details: { ...u } });
  return unitRow(rows[0] as Record<string, unknown>);
}

/** Creates a unit with the members given (each checked as by addCyberMember); all or nothing. */
export async function createCyberUnit(db: Db, input: unknown, ctx: InfraContext): Promise<CyberUnit> {
  const u = parse(NewCyberUnit, input, 'cyber unit');
  if (u.members.length > u.sizeTarget) throw new DomainError('INFRA_UNIT_FULL', `${u.members.length} members for a unit of ${u.sizeTarget}.`);
  const id = await db.transaction(async (tx) => {
    const unit = await insertUnit(tx, u, ctx);
    for (const m of u.members) await admit(tx, unit, m, ctx);
    return unit.id;
  });
  return (await getCyberUnit(db, id, ctx.scope)) as CyberUnit;
}

/**
 * Proposes members for a new unit from the region's eligible pool (see `candidates` for the order); with apply it
 * creates the unit with them in the same transaction, so the proposal cannot go stale between read and write.
 * Reading the pool reads personal data and is audited.
 */
export async function formCyberUnit(db: Db, input: unknown, ctx: InfraContext): Promise<{ unit: CyberUnit | null; proposed: Candidate[] }> {
  const f = parse(FormCyberUnit, input, 'form a cyber unit');
  regionalOnly(ctx.scope);
  assertRegionInScope(ctx.scope, f.homeRegion);
  const result = await db.transaction(async (tx) => {
    if (f.apply) await lockMembership(tx); // two formations never pick the same people
    const proposed = await candidates(tx, f.homeRegion, ctx.at, f.sizeTarget);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.cyber_unit.propose', subject: `region:${f.homeRegion}`, details: { iins: proposed.map((c) => c.iin), apply: f.apply } });
    if (!f.apply) return { unitId: null, proposed };
    if (proposed.length === 0) throw new DomainError('INFRA_NO_CANDIDATES', `Nobody in ${f.homeRegion} is eligible for a cyber unit.`, { region: f.homeRegion });
    const unit = await insertUnit(tx, f, ctx);
    for (const c of proposed) await admit(tx, unit, { iin: c.iin, role: c.role }, ctx);
    return { unitId: unit.id, proposed };
  });
  return { unit: result.unitId === null ? null : await getCyberUnit(db, result.unitId, ctx.scope), proposed: result.proposed };
}

export async function addCyberMember(db: Db, unitId: number, input: unknown, ctx: InfraContext): Promise<CyberUnit> {
  const m = parse(NewMember, input, 'member');
  regionalOnly(ctx.scope);
  await db.transaction(async (tx) => {
    const unit = await getCyberUnit(tx, unitId, ctx.scope);
    if (!unit) throw new DomainError('INFRA_UNIT_NOT_FOUND', `No cyber unit ${unitId} that you may change.`);
    await lockMembership(tx);
    await admit(tx, unit, m, ctx);
  });
  return (await getCyberUnit(db, unitId, ctx.scope)) as CyberUnit;
}

export const RemoveMember = z.object({ reason: z.string().trim().min(3).max(500) }).strict();

/**
 * Takes a person out of a unit (they may then join another, or be called up). The reason is kept in the audit entry,
 * which with the member's role is the membership's history.
 */
export async function removeCyberMember(db: Db, unitId: number, iin: string, input: unknown, ctx: InfraContext): Promise<CyberUnit> {
  const { reason } = parse(RemoveMember, input, 'member removal');
  regionalOnly(ctx.scope);
  await db.transaction(async (tx) => {
    const unit = await getCyberUnit(tx, unitId, ctx.scope);
    if (!unit) throw new DomainError('INFRA_UNIT_NOT_FOUND', `No cyber unit ${unitId} that you may change.`);
    await lockMembership(tx);
    const { rows } = await tx.query<{ role: string }>('DELETE FROM cyber_unit_members WHERE unit_id = $1 AND iin = $2 RETURNING role', [unit.id, iin]);
    if (!rows[0]) throw new DomainError('INFRA_PERSON_NOT_FOUND', `${iin} is not a member of unit ${unit.code}.`, { iin, unit: unit.code });
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.cyber_unit.member.remove', subject: `person:${iin}`, details: { unit: unit.code, role: rows[0].role, reason } });
  });
  return (await getCyberUnit(db, unitId, ctx.scope)) as CyberUnit;
}

/** A unit by id (no personal data); with a scope, a unit of another region is null as if it did not exist. */
export async function getCyberUnit(q: Db | Tx, id: number, scope?: InfraScope): Promise<CyberUnit | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const params: unknown[] = [id];
  const where = scope?.region ? ` AND u.home_region = $${params.push(scope.region)}` : '';
  const sql = `SELECT u.*, (SELECT count(*)::int FROM cyber_unit_members m WHERE m.unit_id = u.id) AS members FROM cyber_units u WHERE u.id = $1${where}`;
  const rows = await rowsOf(q, sql, params);
  return rows[0] ? unitRow(rows[0]) : null;
}

export async function listCyberUnits(db: Db, scope: InfraScope, region?: string): Promise<CyberUnit[]> {
  regionalOnly(scope);
  if (region) assertRegionInScope(scope, region);
  const params: unknown[] = [];
  const want = region ?? scope.region;
  const rows = await db.query<Record<string, unknown>>(
    `SELECT u.*, (SELECT count(*)::int FROM cyber_unit_members m WHERE m.unit_id = u.id) AS members
       FROM cyber_units u ${want ? `WHERE u.home_region = $${params.push(want)}` : ''} ORDER BY u.home_region, u.code`,
    params,
  );
  return rows.map(unitRow);
}

/** A unit with its members' names and skills: personal data, so the read is audited (found or not). */
export async function showCyberUnit(db: Db, id: number, ctx: InfraContext): Promise<{ unit: CyberUnit; members: UnitMember[] }> {
  regionalOnly(ctx.scope);
  // The audit entry is committed before a refusal is thrown: probing for other regions' units is on record too.
  const shown = await db.transaction(async (tx) => {
    const unit = await getCyberUnit(tx, id, ctx.scope);
    const { rows } = unit
      ? await tx.query<Record<string, unknown>>(
          `SELECT m.iin, m.role, m.joined_at, p.last_name, p.first_name, p.region, p.occupation, p.specialty
             FROM cyber_unit_members m JOIN persons p ON p.iin = m.iin WHERE m.unit_id = $1
            ORDER BY array_position(ARRAY['lead', 'analyst', 'engineer', 'operator'], m.role), m.iin`,
          [id],
        )
      : { rows: [] };
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'infra.cyber_unit.members.read', subject: `cyber-unit:${unit?.code ?? id}`, details: { found: Boolean(unit), iins: rows.map((r) => r.iin) } });
    if (!unit) return null;
    return {
      unit,
      members: rows.map((r) => ({
        iin: String(r.iin), role: r.role as MemberRole, lastName: String(r.last_name), firstName: String(r.first_name), region: String(r.region),
        occupation: (r.occupation as string | null) ?? null, specialty: (r.specialty as string | null) ?? null, joinedAt: new Date(r.joined_at as string),
      })),
    };
  });
  if (!shown) throw new DomainError('INFRA_UNIT_NOT_FOUND', `No cyber unit ${id} that you may see.`);
  return shown;
}
