import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { getPlan } from '../callup/index.ts';
import { SummonsPurpose } from '../summons/index.ts';
import type { PaperSummons } from './render.ts';

export type PaperTarget = { summonsId: string } | { planRef: string };

interface Row {
  id: string | number;
  plan_id: string | number;
  purpose: string;
  lma_office: string;
  appearance_at: Date;
  verification_code: string;
  exercise: boolean;
  channels: string[];
  created_at: Date;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  birth_date: string;
  address: string | null;
  district: string | null;
  person_kk: string | null;
  person_ru: string | null;
  lma_kk: string | null;
  lma_ru: string | null;
}

// birth_date as text: node-postgres turns a `date` into a Date at local midnight, which shifts it in some zones.
const SELECT = `
  SELECT s.id, s.plan_id, s.purpose, s.lma_office, s.appearance_at, s.verification_code, s.exercise, s.channels, s.created_at,
         p.last_name, p.first_name, p.patronymic, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, p.address, p.district,
         pr.name_kk AS person_kk, pr.name_ru AS person_ru, lr.name_kk AS lma_kk, lr.name_ru AS lma_ru
    FROM summonses s
    JOIN persons p ON p.iin = s.iin
    LEFT JOIN regions pr ON pr.iso = p.region
    LEFT JOIN regions lr ON lr.iso = s.lma_region`;

function paperSummons(r: Row): PaperSummons {
  const purpose = SummonsPurpose.safeParse(r.purpose);
  if (!purpose.success) throw new DomainError('PAPER_UNKNOWN_PURPOSE', `summons ${r.id} has the purpose "${r.purpose}", which the paper has no wording for`, { summonsId: String(r.id) });
  return {
    id: String(r.id), planId: Number(r.plan_id), code: r.verification_code, exercise: r.exercise, purpose: purpose.data,
    lmaOffice: r.lma_office, lmaRegion: r.lma_kk && r.lma_ru ? { kk: r.lma_kk, ru: r.lma_ru } : null,
    appearanceAt: new Date(r.appearance_at), issuedAt: new Date(r.created_at),
    person: {
      lastName: r.last_name, firstName: r.first_name, patronymic: r.patronymic, birthDate: r.birth_date, address: r.address, district: r.district,
      region: r.person_kk && r.person_ru ? { kk: r.person_kk, ru: r.person_ru } : null,
    },
  };
}

/**
 * What the paper needs for one summons, or for every paper summons of a plan: the summons and the person's name,
 * birth date and current address (the registry's, so a summons printed after a move goes to the new address).
 * A read of personal data, audited in the same transaction with the summonses it returned. Asking for one summons
 * that goes by SMS is an error rather than an empty answer: printing it would be a second, unrecorded channel.
 */
export async function paperSummonses(db: Db, target: PaperTarget, ctx: { actor: string; at: Date }): Promise<PaperSummons[]> {
  if ('summonsId' in target) {
    const id = target.summonsId;
    if (!/^\d{1,18}$/.test(id)) throw new DomainError('SUMMONS_NOT_FOUND', `"${id}" is not a summons number`);
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<Row>(`${SELECT} WHERE s.id = $1`, [id]);
      const r = rows[0];
      if (!r) throw new DomainError('SUMMONS_NOT_FOUND', `no summons ${id}`);
      if (!r.channels.includes('paper')) {
        throw new DomainError('PAPER_NOT_PAPER_SUMMONS', `summons ${id} goes by ${r.channels.join(' and ')}, not on paper; the person has a mobile number on file`, { summonsId: id, channels: r.channels });
      }
      await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'summons.paper.read', subject: `summons:${id}`, details: { summonses: 1 } });
      return [paperSummons(r)];
    });
  }
  const plan = await getPlan(db, target.planRef);
  return db.transaction(async (tx) => {
    const { rows: issued } = await tx.query<{ n: string | number }>('SELECT count(*) AS n FROM summonses WHERE plan_id = $1', [plan.id]);
    if (Number(issued[0]?.n ?? 0) === 0) throw new DomainError('PAPER_PLAN_NOT_ISSUED', `plan ${plan.id} has no summonses; issue it first (mobilize summons issue ${plan.id})`, { planId: plan.id });
    const { rows } = await tx.query<Row>(`${SELECT} WHERE s.plan_id = $1 AND 'paper' = ANY(s.channels) ORDER BY s.id`, [plan.id]);
    await appendAudit(tx, {
      at: ctx.at, actor: ctx.actor, action: 'summons.paper.read', subject: `callup_plan:${plan.id}`,
      details: { summonses: rows.length, ids: rows.map((r) => String(r.id)) },
    });
    return rows.map(paperSummons);
  });
}
