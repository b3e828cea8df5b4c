import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { heldByCallup, heldByCallupSql } from '../callup/index.ts';
import { assertValidIin } from '../registry/index.ts';
import { parseId, type TdContext } from './context.ts';
import { loadUnit, type Unit } from './units.ts';

/**
 * Who may serve in territorial defence: a volunteer, or a reservist — on the military register, has served, fit
 * (fitness A or B) — in either case not serving a sentence nor living abroad. A volunteer who is also a reservist
 * counts as a volunteer.
 */
export const QUALIFIES_SQL = (a: string) =>
  `(NOT ${a}.serving_sentence AND NOT ${a}.resides_abroad AND (${a}.volunteer OR (${a}.mil_registered AND ${a}.served AND ${a}.fitness IN ('A', 'B'))))`;

export interface Member {
  iin: string;
  lastName: string;
  firstName: string;
  district: string | null;
  basis: 'volunteer' | 'reservist';
  joinedAt: string;
}

interface Candidate { iin: string; region: string; district: string | null; volunteer: boolean; qualifies: boolean; unit_id: number | null }

async function candidate(tx: Tx, iin: string): Promise<Candidate | undefined> {
  const { rows } = await tx.query<Candidate>(
    `SELECT p.iin, p.region, p.district, p.volunteer, ${QUALIFIES_SQL('p')} AS qualifies, m.unit_id
       FROM persons p LEFT JOIN td_members m ON m.iin = p.iin WHERE p.iin = $1`,
    [iin],
  );
  return rows[0];
}

/**
 * Adds people to a unit, all or none: each must live in the unit's region (and the actor's area), qualify, belong to
 * no unit and be in no live call-up plan. The refusal names the first person that fails and why.
 */
export async function addMembers(db: Db, unitRef: string | number, iins: readonly string[], ctx: TdContext): Promise<Unit> {
  for (const iin of iins) assertValidIin(iin);
  if (iins.length === 0) throw new DomainError('TD_BAD_INPUT', 'iins: name at least one person');
  if (new Set(iins).size !== iins.length) throw new DomainError('TD_BAD_INPUT', 'iins: a person is listed twice');
  return db.transaction(async (tx) => {
    const unit = await loadUnit(tx, unitRef, ctx.area);
    await tx.query('SELECT id FROM td_units WHERE id = $1 FOR UPDATE', [unit.id]);
    const called = await heldByCallup(tx, iins);
    const at = ctx.clock.now();
    for (const iin of iins) {
      const c = await candidate(tx, iin);
      const inArea = c && c.region === unit.region && (!ctx.area.district || c.district === ctx.area.district);
      if (!c || !inArea) throw new DomainError('TD_PERSON_NOT_FOUND', `No person with IIN ${iin} in ${ctx.area.district ?? unit.region} that you may add.`, { iin });
      if (c.unit_id !== null) {
        const where = Number(c.unit_id) === unit.id ? 'this unit' : `unit ${c.unit_id}`;
        throw new DomainError('TD_ALREADY_MEMBER', `${iin} already serves in ${where}; a person is in one unit only.`, { iin, unitId: Number(c.unit_id) });
      }
      if (!c.qualifies) throw new DomainError('TD_NOT_ELIGIBLE', `${iin} is neither a volunteer nor a fit reservist who has served (or is serving a sentence or abroad).`, { iin });
      const plan = called.get(iin);
      if (plan !== undefined) throw new DomainError('TD_IN_CALLUP', `${iin} is assigned in approved call-up plan ${plan}; the armed forces come first.`, { iin, planId: plan });
      // The primary key settles a race with another officer adding the same person to another unit meanwhile.
      const { affected } = await tx.query('INSERT INTO td_members (iin, unit_id, basis, joined_at, added_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (iin) DO NOTHING', [iin, unit.id, c.volunteer ? 'volunteer' : 'reservist', at, ctx.actor]);
      if (affected === 0) throw new DomainError('TD_ALREADY_MEMBER', `${iin} was just added to another unit; a person is in one unit only.`, { iin });
    }
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.members.add', subject: `td_unit:${unit.id}`, details: { iins } });
    return loadUnit(tx, unit.id, ctx.area);
  });
}

export async function removeMember(db: Db, unitRef: string | number, iin: string, ctx: TdContext & { reason: string }): Promise<Unit> {
  assertValidIin(iin);
  return db.transaction(async (tx) => {
    const unit = await loadUnit(tx, unitRef, ctx.area);
    const { affected } = await tx.query('DELETE FROM td_members WHERE iin = $1 AND unit_id = $2', [iin, unit.id]);
    if (affected === 0) throw new DomainError('TD_PERSON_NOT_FOUND', `${iin} is not a member of unit ${unit.id}`);
    await appendAudit(tx, { at: ctx.clock.now(), actor: ctx.actor, action: 'td.members.remove', subject: `td_unit:${unit.id}`, details: { iin, reason: ctx.reason } });
    return loadUnit(tx, unit.id, ctx.area);
  });
}

/** A unit's members: personal data, so the read is audited and confined to the actor's area. */
export async function listMembers(db: Db, unitRef: string | number, ctx: TdContext & { purpose: string }): Promise<Member[]> {
  return db.transaction(async (tx) => {
    const unit = await loadUnit(tx, unitRef, ctx.area);
    const params: unknown[] = [unit.id];
    const districtOnly = ctx.area.district ? `AND p.district = $${params.push(ctx.area.district)}` : '';
    const { rows } = await tx.query<{ iin: string; last_name: string; first_name: string; district: string | null; basis: Member['basis']; joined_at: Date }>(
      `SELECT m.iin, p.last_name, p.first_name, p.district, m.basis, m.joined_at
         FROM td_members m JOIN persons p ON p.iin = m.iin WHERE m.unit_id = $1 ${districtOnly} ORDER BY p.last_name, p.first_name, m.iin`,
      params,
    );
    await appendAudit(tx, { at: ctx.clock.now(), actor: ctx.actor, action: 'td.members.read', subject: `td_unit:${unit.id}`, details: { purpose: ctx.purpose, rows: rows.length } });
    return rows.map((r) => ({ iin: r.iin, lastName: r.last_name, firstName: r.first_name, district: r.district, basis: r.basis, joinedAt: new Date(r.joined_at).toISOString() }));
  });
}

export interface FillProposal {
  unit: Unit;
  /** Places still open: target − members. */
  open: number;
  proposed: { iin: string; lastName: string; firstName: string; district: string | null; basis: Member['basis']; pool: 'district' | 'region' }[];
  applied: boolean;
}

/**
 * Proposes people for a unit's open places, in this fixed order: the unit's own district first (for a region-level
 * unit there is no district pool), then the rest of the region; within each pool volunteers before reservists; then
 * by IIN. Only qualifying people in no unit and no live call-up plan are drawn; a district officer draws from their
 * district only. With `apply` the proposal is written as members in the same transaction; either way the names
 * read are audited.
 */
export async function fillUnit(db: Db, unitRef: string | number, ctx: TdContext & { apply: boolean }): Promise<FillProposal> {
  const id = parseId(unitRef, 'TD_UNIT_NOT_FOUND', 'unit');
  return db.transaction(async (tx) => {
    // Lock before counting the members: two fills at once then run one after the other and the second sees the
    // first's members, instead of both counting the same open places and over-filling the unit.
    await tx.query('SELECT id FROM td_units WHERE id = $1 FOR UPDATE', [id]);
    const unit = await loadUnit(tx, id, ctx.area);
    const open = Math.max(0, unit.strengthTarget - unit.members);
    const params: unknown[] = [unit.region, unit.district, open];
    const districtOnly = ctx.area.district ? `AND p.district = $${params.push(ctx.area.district)}` : '';
    const { rows } = open === 0 ? { rows: [] } : await tx.query<{ iin: string; last_name: string; first_name: string; district: string | null; volunteer: boolean }>(
      `SELECT p.iin, p.last_name, p.first_name, p.district, p.volunteer
         FROM persons p
        WHERE p.region = $1 ${districtOnly} AND ${QUALIFIES_SQL('p')}
          AND NOT EXISTS (SELECT 1 FROM td_members m WHERE m.iin = p.iin)
          AND NOT ${heldByCallupSql('p.iin')}
        ORDER BY coalesce(p.district = $2::text, false) DESC, p.volunteer DESC, p.iin
        LIMIT $3`,
      params,
    );
    const proposed = rows.map((r) => ({
      iin: r.iin, lastName: r.last_name, firstName: r.first_name, district: r.district,
      basis: (r.volunteer ? 'volunteer' : 'reservist') as Member['basis'],
      pool: (unit.district !== null && r.district === unit.district ? 'district' : 'region') as 'district' | 'region',
    }));
    const at = ctx.clock.now();
    if (ctx.apply && proposed.length) {
      const { affected } = await tx.query(
        `INSERT INTO td_members (iin, unit_id, basis, joined_at, added_by)
         SELECT x.iin, $2, x.basis, $3, $4 FROM unnest($1::text[], $5::text[]) AS x(iin, basis) ON CONFLICT (iin) DO NOTHING`,
        [proposed.map((p) => p.iin), unit.id, at, ctx.actor, proposed.map((p) => p.basis)],
      );
      if (affected !== proposed.length) throw new DomainError('TD_ALREADY_MEMBER', `some of the people proposed joined another unit meanwhile; propose again.`);
    }
    await appendAudit(tx, {
      at, actor: ctx.actor, action: ctx.apply ? 'td.unit.fill' : 'td.unit.fill.propose', subject: `td_unit:${unit.id}`,
      details: { open, proposed: proposed.length, ...(ctx.apply ? { iins: proposed.map((p) => p.iin) } : {}) },
    });
    return { unit: ctx.apply ? await loadUnit(tx, unit.id, ctx.area) : unit, open, proposed, applied: ctx.apply };
  });
}
