import type { Db } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import { evaluate, findRuleSet, loadPack, renderExplanation, type Pack } from '../eligibility/index.ts';
import { assertValidIin } from '../registry/index.ts';
import { orderCells } from './order.ts';
import { eligiblePeople, getPlan } from './plan.ts';

export interface PersonPlanExplanation {
  iin: string;
  plan: string;
  selected: boolean;
  /** One sentence: why this person was or was not selected. */
  summary: string;
  /** The steps behind it, including the eligibility explanation when that decided. */
  details: string[];
}

/**
 * Why a person was or was not selected by a plan. Selection is read from the plan itself; for people not
 * selected, eligibility and the lottery rank are worked out again on the current registry (the plan keeps who
 * was selected, not everyone who was not). Reading a person's data is audited.
 */
export async function explainPlanFor(db: Db, ref: string, iin: string, ctx: { actor: string; at: Date; pack?: Pack }): Promise<PersonPlanExplanation> {
  assertValidIin(iin);
  const plan = await getPlan(db, ref);
  const name = `${plan.orderId}@v${plan.version}`;
  const cells = orderCells(plan.order);
  const tierName = (t: number) => plan.order.priority[t] ?? 'not in any priority tier';
  return db.transaction(async (tx) => {
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'callup.plan.explain', subject: `person:${iin}`, details: { plan: plan.id } });
    const { rows: asg } = await tx.query<{ cell: number; home_region: string; tier: number; reserved: boolean; lottery_rank: number; travel_km: number }>(
      'SELECT cell, home_region, tier, reserved, lottery_rank, travel_km FROM callup_assignments WHERE plan_id = $1 AND iin = $2',
      [plan.id, iin],
    );
    const a = asg[0];
    const { rows: gone } = await tx.query<{ at: Date; reason: string }>('SELECT at, reason FROM callup_plan_removals WHERE plan_id = $1 AND iin = $2', [plan.id, iin]);
    if (a && gone[0]) {
      return { iin, plan: name, selected: false, summary: `selected, then removed from the plan on ${new Date(gone[0].at).toISOString().slice(0, 10)}: ${gone[0].reason}`, details: [] };
    }
    if (a) {
      const c = cells[a.cell];
      const k = plan.report.classes.find((x) => x.region === a.home_region && x.specialty === c?.specialty && x.tier === Number(a.tier) && x.reserved === a.reserved);
      return {
        iin, plan: name, selected: true,
        summary: `selected for ${c?.agency} / ${c?.specialty}, serving in ${plan.report.cells[a.cell]?.receivingRegion} (${a.travel_km} km from ${a.home_region})`,
        details: [
          `eligible under ${plan.report.ruleSet} on ${plan.report.referenceDate}`,
          `class: home region ${a.home_region}, specialty ${c?.specialty}, priority tier "${tierName(Number(a.tier))}"${a.reserved ? ', reserved essential worker' : ''}`,
          `lottery rank ${a.lottery_rank} of ${k?.count ?? '?'} in the class; the plan takes ${k?.taken ?? '?'} from it (${plan.report.lottery}, seed "${plan.report.seed}")`,
        ],
      };
    }
    const { rows: persons } = await tx.query<Record<string, unknown>>('SELECT * FROM persons WHERE iin = $1', [iin]);
    const person = persons[0];
    if (!person) return { iin, plan: name, selected: false, summary: 'not in the registry', details: [] };
    const pack = ctx.pack ?? loadPack();
    const rs = findRuleSet(pack, plan.report.ruleSet, plan.report.referenceDate).ruleSet;
    const ev = evaluate(rs, person as never, plan.report.referenceDate);
    if (!ev.eligible) {
      return { iin, plan: name, selected: false, summary: `not eligible under ${plan.report.ruleSet} on ${plan.report.referenceDate}`, details: renderExplanation(ev).split('\n') };
    }
    const specialty = person.specialty as string;
    if (!cells.some((c) => c.specialty === specialty)) {
      return { iin, plan: name, selected: false, summary: `eligible, but the order has no places for specialty ${specialty}`, details: [] };
    }
    const reservation = findRuleSet(pack, plan.report.reservationRuleSet, plan.report.referenceDate).ruleSet;
    const reserved = evaluate(reservation, person as never, plan.report.referenceDate).eligible;
    if (reserved && !plan.order.allow_reserved) {
      return { iin, plan: name, selected: false, summary: `eligible, but reserved as an essential worker under ${plan.report.reservationRuleSet}; this order may not take reserved workers`, details: [] };
    }
    const people = eligiblePeople(plan.order, rs, reservation, [specialty]);
    const n = people.params.length;
    const { rows: rk } = await tx.query<{ tier: number; rank: number; size: number }>(
      `WITH e AS (${people.sql}), me AS (SELECT * FROM e WHERE iin = $${n + 1})
       SELECT me.tier, (SELECT count(*) FROM e WHERE e.region = me.region AND e.specialty = me.specialty AND e.tier = me.tier AND e.reserved = me.reserved
                          AND (md5($${n + 2} || ':' || e.iin), e.iin) <= (md5($${n + 2} || ':' || me.iin), me.iin))::int AS rank
       FROM me`,
      [...people.params, iin, plan.report.seed],
    );
    const r = rk[0];
    const k = r && plan.report.classes.find((x) => x.region === person.region && x.specialty === specialty && x.tier === Number(r.tier) && x.reserved === reserved);
    if (!r || !k) return { iin, plan: name, selected: false, summary: 'eligible now, but was not among the eligible when the plan was made', details: [] };
    const cellsOpen = plan.report.cells.filter((c) => c.specialty === specialty);
    const details = [
      `class: home region ${person.region}, specialty ${specialty}, priority tier "${tierName(Number(r.tier))}": ${k.count} people, ${k.taken} taken`,
      `lottery rank ${r.rank} (${plan.report.lottery}, seed "${plan.report.seed}"), as the registry stands now`,
      ...cellsOpen.map((c) => `place ${c.agency}/${c.specialty}${c.region ? `/${c.region}` : ''}: ${c.filled} of ${c.quota} filled`),
    ];
    const summary = k.taken === 0
      ? 'eligible, but the plan takes no one from this class: other classes fill the places at lower travel and priority cost'
      : `eligible, but the plan takes ${k.taken} of ${k.count} in this class and the lottery ranked this person ${r.rank}`;
    return { iin, plan: name, selected: false, summary, details };
  });
}
