import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Db } from '../../db/client.ts';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError, isDomainError } from '../../kernel/errors.ts';
import { parseYamlWithLines } from '../../kernel/yaml-lines.ts';
import {
  TASK_STATES,
  addMembers,
  addShelter,
  addTransport,
  advanceTask,
  approveEvacuationPlan,
  assignProtection,
  endProtection,
  assignTask,
  createEvacuationPlan,
  createUnit,
  fillUnit,
  getEvacuationPlan,
  listEvacuationPlans,
  listMembers,
  listProtection,
  listShelters,
  listTasks,
  listTransport,
  listUnits,
  narrowArea,
  removeMember,
  territorialReadiness,
  unprotectedCritical,
  type EvacuationPlan,
  type TaskState,
  type TdContext,
} from '../../modules/territorial/index.ts';
import { withContext } from '../context.ts';

/**
 * Runs `fn` on a YAML/JSON file's value; the module's field problems (TD_BAD_INPUT) come back with the file's line
 * for each, so a bad file is reported as file:line field: reason.
 */
async function withFile<T>(file: string, fn: (doc: unknown) => Promise<T>): Promise<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError('CLI_BAD_FILE', `cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = parseYamlWithLines(text);
  if (parsed.errors.length) throw new DomainError('CLI_BAD_FILE', parsed.errors.map((e) => `${file}:${e.line} ${e.message}`).join('; '));
  try {
    return await fn(parsed.value);
  } catch (e) {
    if (!isDomainError(e, 'TD_BAD_INPUT') || !Array.isArray(e.details.issues)) throw e;
    const where = (e.details.issues as { path: PropertyKey[]; message: string }[]).map((i) => {
      const at = parsed.issueAt(i.path, i.message);
      return `${file}${at.line ? `:${at.line}` : ''} ${at.path || '(file)'}: ${at.message}`;
    });
    throw new DomainError('TD_BAD_INPUT', where.join('; '), e.details);
  }
}

function renderPlan(p: EvacuationPlan): string {
  const c = p.check;
  return [
    `evacuation plan #${p.id} "${p.name}" [${p.status}${p.approvedBy ? ` by ${p.approvedBy}` : ''}] ${p.region}: ${p.fromDistricts.join(', ')} → ${[...p.toDistricts, ...p.shelterIds.map((s) => `shelter ${s}`)].join(', ')} within ${p.windowHours} h`,
    `  people to move ${c.peopleToMove} (${Object.entries(c.population).map(([d, n]) => `${d} ${n}`).join(', ')})`,
    `  shelter places ${c.shelterPlaces}   shortfall ${c.shortfall.shelter}`,
    `  seat-trips     ${c.seatTrips}   shortfall ${c.shortfall.transport}`,
    `  ${c.feasible ? 'FEASIBLE' : `INFEASIBLE (bottleneck: ${c.bottleneck}; ${c.coveragePct} % covered)`}${p.acceptedReason ? `; shortfall accepted: ${p.acceptedReason}` : ''}`,
  ].join('\n');
}

const positive = (v: string, what: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new DomainError('CLI_BAD_OPTION', `${what} must be a positive whole number, not "${v}"`);
  return n;
};

export function territorialCommands(program: Command): void {
  const td = program.command('td').description('territorial defence: units, members, protection of critical objects, tasks, evacuation plans');
  // The CLI is the national operators' tool: no area confinement; the two-person rule holds by user name.
  const ctxOf = (actor: string): TdContext => ({ actor, clock: systemClock, area: { region: null, district: null } });
  const run = (fn: (ctx: TdContext, db: Db) => Promise<void>) => withContext(({ db, actor }) => fn(ctxOf(actor), db));

  td.command('units').description('units with strength against target').option('--region <iso>').option('--district <code>')
    .action((o: { region?: string; district?: string }) => run(async (ctx, db) => {
      for (const u of await listUnits(db, narrowArea(ctx.area, o))) {
        console.log(`#${u.id} ${u.region} ${(u.district ?? '(region)').padEnd(10)} ${u.kind.padEnd(20)} ${String(u.members).padStart(5)}/${u.strengthTarget} (${u.volunteers} volunteers) guards ${u.objectsGuarded}  ${u.name}`);
      }
    }));

  td.command('unit-create').description('raise a unit from a YAML/JSON file {name, region, district?, kind, strengthTarget} (see examples/td/)').argument('<file>')
    .action((file: string) => run(async (ctx, db) => {
      const u = await withFile(file, (doc) => createUnit(db, doc, ctx));
      console.log(`unit #${u.id} "${u.name}" raised in ${u.district ?? u.region}, target ${u.strengthTarget}; fill it with: mobilize td fill ${u.id}`);
    }));

  td.command('members').description("a unit's members (personal data: the read is audited)").argument('<unit>')
    .action((unit: string) => run(async (ctx, db) => {
      for (const m of await listMembers(db, unit, { ...ctx, purpose: 'cli td members' })) console.log(`${m.iin} ${m.basis.padEnd(9)} ${(m.district ?? '').padEnd(10)} ${m.lastName} ${m.firstName}`);
    }));

  td.command('add-members').description('add people to a unit by IIN (all or none)').argument('<unit>').argument('<iins...>')
    .action((unit: string, iins: string[]) => run(async (ctx, db) => {
      const u = await addMembers(db, unit, iins, ctx);
      console.log(`unit #${u.id}: ${u.members}/${u.strengthTarget}`);
    }));

  td.command('remove-member').description('take a person out of a unit').argument('<unit>').argument('<iin>').requiredOption('--reason <text>')
    .action((unit: string, iin: string, o: { reason: string }) => run(async (ctx, db) => {
      const u = await removeMember(db, unit, iin, { ...ctx, reason: o.reason });
      console.log(`unit #${u.id}: ${u.members}/${u.strengthTarget}`);
    }));

  td.command('fill').description("propose people for a unit's open places (its district, then the region; volunteers first; then by IIN); --apply adds them")
    .argument('<unit>').option('--apply', 'add the proposed people', false)
    .action((unit: string, o: { apply: boolean }) => run(async (ctx, db) => {
      const f = await fillUnit(db, unit, { ...ctx, apply: o.apply });
      for (const p of f.proposed) console.log(`${p.iin} ${p.pool.padEnd(8)} ${p.basis.padEnd(9)} ${p.lastName} ${p.firstName}`);
      console.log(`${f.proposed.length} of ${f.open} open places ${f.applied ? 'filled' : 'proposed (add them with --apply)'}`);
    }));

  td.command('guard').description('put a unit on guard at an infrastructure object of its region').argument('<unit>')
    .requiredOption('--object <id>', 'infrastructure object id').requiredOption('--shift <n>', 'people per shift')
    .action((unit: string, o: { object: string; shift: string }) => run(async (ctx, db) => {
      const g = await assignProtection(db, unit, { objectId: positive(o.object, '--object'), shiftStrength: positive(o.shift, '--shift') }, ctx);
      console.log(`${g.unitName} guards ${g.objectCode} (${g.objectName}), ${g.shiftStrength} per shift`);
    }));

  td.command('guard-end').description('stand a guard down (its guard task must be done first); the reason is kept')
    .argument('<protection>', 'protection id, as `td protection` lists it').requiredOption('--reason <text>')
    .action((id: string, o: { reason: string }) => run(async (ctx, db) => {
      const g = await endProtection(db, positive(id, '<protection>'), { reason: o.reason }, ctx);
      console.log(`${g.unitName} no longer guards ${g.objectCode}: ${g.ended?.reason ?? ''}`);
    }));

  td.command('protection').description('who guards which critical object, and the criticality-1 objects nobody guards').option('--region <iso>')
    .action((o: { region?: string }) => run(async (ctx, db) => {
      const area = narrowArea(ctx.area, o);
      for (const g of await listProtection(db, area)) console.log(`#${g.id} ${g.region} ${g.objectCode.padEnd(16)} c${g.criticality} ${g.unitName} (${g.shiftStrength}/shift)`);
      const open = await unprotectedCritical(db, area);
      console.log(`unprotected criticality-1 objects: ${open.length}`);
      for (const x of open) console.log(`  ${x.region} ${x.code.padEnd(16)} ${x.kind.padEnd(10)} ${x.name}`);
    }));

  td.command('task').description('give a unit a task from a YAML/JSON file: {kind: guard, objectId, shiftStrength} | {kind: fortify, location, dueDate} | {kind: evacuate, planId}')
    .argument('<unit>').argument('<file>')
    .action((unit: string, file: string) => run(async (ctx, db) => {
      const t = await withFile(file, (doc) => assignTask(db, unit, doc, ctx));
      console.log(`task #${t.id} (${t.kind}) assigned to ${t.unitName}`);
    }));

  td.command('tasks').description('tasks of the units').option('--region <iso>')
    .action((o: { region?: string }) => run(async (ctx, db) => {
      for (const t of await listTasks(db, narrowArea(ctx.area, o))) {
        const what = t.kind === 'fortify' ? `${t.location} by ${t.dueDate}` : t.kind === 'guard' ? `protection #${t.protectionId}` : `evacuation plan #${t.evacuationPlanId}`;
        console.log(`#${t.id} ${t.state.padEnd(11)} ${t.kind.padEnd(8)} ${t.unitName}: ${what}`);
      }
    }));

  td.command('advance').description(`move a task on (${TASK_STATES.join(' → ')})`).argument('<task>').argument('<to>')
    .action((task: string, to: string) => run(async (ctx, db) => {
      if (!(TASK_STATES as readonly string[]).includes(to)) throw new DomainError('CLI_BAD_OPTION', `<to> must be one of ${TASK_STATES.join(', ')}`);
      const t = await advanceTask(db, task, to as TaskState, ctx);
      console.log(`task #${t.id} is ${t.state}`);
    }));

  td.command('shelter-add').description('register a shelter from a file {name, region, district, capacity}').argument('<file>')
    .action((file: string) => run(async (ctx, db) => {
      const s = await withFile(file, (doc) => addShelter(db, doc, ctx));
      console.log(`shelter #${s.id} "${s.name}" in ${s.district}: ${s.capacity} places`);
    }));

  td.command('transport-add').description('register a district fleet from a file {label, region, district, vehicles, seats, tripsPerDay}').argument('<file>')
    .action((file: string) => run(async (ctx, db) => {
      const t = await withFile(file, (doc) => addTransport(db, doc, ctx));
      console.log(`transport #${t.id} "${t.label}" in ${t.district}: ${t.vehicles} × ${t.seats} seats × ${t.tripsPerDay} trips/day`);
    }));

  td.command('shelters').description('shelters').option('--region <iso>')
    .action((o: { region?: string }) => run(async (ctx, db) => {
      for (const s of await listShelters(db, narrowArea(ctx.area, o))) console.log(`#${s.id} ${s.district.padEnd(10)} ${String(s.capacity).padStart(8)}  ${s.name}`);
    }));

  td.command('transport').description('evacuation transport').option('--region <iso>')
    .action((o: { region?: string }) => run(async (ctx, db) => {
      for (const t of await listTransport(db, narrowArea(ctx.area, o))) console.log(`#${t.id} ${t.district.padEnd(10)} ${t.vehicles} × ${t.seats} × ${t.tripsPerDay}/day  ${t.label}`);
    }));

  td.command('plan-create').description('draft an evacuation plan from a file {name, region, fromDistricts, toDistricts?, shelterIds?, windowHours}; prints its capacity check').argument('<file>')
    .action((file: string) => run(async (ctx, db) => {
      const p = await withFile(file, (doc) => createEvacuationPlan(db, doc, ctx));
      console.log(renderPlan(p));
      console.log(`a second person approves it: mobilize td plan-approve ${p.id}`);
    }));

  td.command('plans').description('evacuation plans with their capacity checks')
    .action(() => run(async (ctx, db) => {
      for (const p of await listEvacuationPlans(db, ctx.area)) console.log(renderPlan(p));
    }));

  td.command('plan').description('an evacuation plan and its capacity check').argument('<id>').option('--format <format>', 'text or json', 'text')
    .action((id: string, o: { format: string }) => run(async (ctx, db) => {
      const p = await getEvacuationPlan(db, id, ctx);
      console.log(o.format === 'json' ? JSON.stringify(p, null, 2) : renderPlan(p));
    }));

  td.command('plan-approve').description('approve a plan (a second person); an infeasible plan only with --accept-shortfall "reason"').argument('<id>')
    .option('--accept-shortfall <reason>', 'approve despite the shortfall, for this recorded reason')
    .action((id: string, o: { acceptShortfall?: string }) => run(async (ctx, db) => {
      console.log(renderPlan(await approveEvacuationPlan(db, id, { ...ctx, acceptShortfall: o.acceptShortfall })));
    }));

  td.command('readiness').description('territorial-defence readiness per region').option('--format <format>', 'text or json', 'text')
    .action((o: { format: string }) => run(async (_ctx, db) => {
      const rows = await territorialReadiness(db);
      if (o.format === 'json') return void console.log(JSON.stringify(rows, null, 2));
      for (const r of rows) console.log(`${r.region.padEnd(6)} ${Object.entries(r.measures).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    }));
}
