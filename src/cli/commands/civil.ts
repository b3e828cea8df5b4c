import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import {
  addReservation,
  approveReservations,
  civilReadiness,
  createTask,
  importReservationsCsv,
  listReservations,
  listTasks,
  personnelCounts,
  planTask,
  recordTaskAction,
  revokeReservation,
  showTask,
  unconfined,
  type CivilTask,
} from '../../modules/civil/index.ts';
import { withContext } from '../context.ts';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError('CLI_BAD_FILE', `cannot read ${file}: ${(e as Error).message}`);
  }
}

function render(t: CivilTask): string {
  const lines = [
    `civil task ${t.id} [${t.state.status}] — ${t.title}`,
    `  ${t.sector} → ${t.region} by ${t.dueDate}${t.territorial ? ' (territorial)' : ''}`,
    ...t.lines.map((l, i) => {
      const c = t.report?.cells[i];
      return `  ${l.skill}: ${c ? `${c.filled} of ${l.count} assigned${c.shortfall ? `, short ${c.shortfall} — ${c.reason}` : ''}` : `${l.count} (not planned)`}`;
    }),
    'actions:',
    ...t.log.map((e) => `  ${e.seq}. ${e.at.toISOString()} ${e.action} by ${e.actor}${e.note ? ` — ${e.note}` : ''}`),
  ];
  return lines.join('\n');
}

/** `mobilize civil ...`: the national operators' tool, so no regional confinement; the two-person rule holds by user name. */
export function civilCommands(program: Command): void {
  const civil = program.command('civil').description('civil tier: essential personnel, civil mobilization tasks, reservations from call-up');
  const ctxOf = (actor: string) => unconfined(actor, systemClock);

  civil.command('personnel').description('essential personnel head counts')
    .option('--by <dims>', 'grouping: any of sector,region,district,skill', 'sector')
    .option('--sector <s>').option('--region <iso>').option('--district <d>').option('--skill <occupation>')
    .action(async (o: { by: string; sector?: string; region?: string; district?: string; skill?: string }) => {
      await withContext(async ({ db }) => {
        const { by, ...filter } = o;
        const r = await personnelCounts(db, { by, ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) });
        for (const row of r.rows) console.log(`${r.by.map((d) => row.keys[d] ?? '—').join('\t')}\t${row.count}`);
        console.log(`total\t${r.total}`);
      });
    });

  civil.command('readiness').description('civil readiness per region').action(async () => {
    await withContext(async ({ db }) => {
      for (const r of await civilReadiness(db)) console.log(`${r.region}\t${Object.entries(r.measures).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    });
  });

  const task = civil.command('task').description('civil mobilization tasks');
  task.command('create').description('create a task from a YAML/JSON file {id, title, sector, region, due_date, territorial?, lines: [{skill, count}]}').argument('<file>')
    .action(async (file: string) => {
      let doc: unknown;
      try {
        doc = parseYaml(readText(file));
      } catch (e) {
        throw new DomainError('CLI_BAD_FILE', `${file} is not YAML/JSON: ${(e as Error).message}`);
      }
      await withContext(async ({ db, actor }) => console.log(render(await createTask(db, doc, ctxOf(actor)))));
    });
  task.command('plan').argument('<id>').description('plan (or re-plan) a task with the call-up planner').action(async (id: string) => {
    await withContext(async ({ db, actor }) => console.log(render(await planTask(db, id, ctxOf(actor)))));
  });
  for (const action of ['approve', 'withdraw'] as const) {
    task.command(action).argument('<id>').option('--note <text>').description(action === 'approve' ? 'approve a planned task (not its author or planner)' : 'withdraw a task')
      .action(async (id: string, o: { note?: string }) => {
        await withContext(async ({ db, actor }) => console.log(render(await recordTaskAction(db, id, action, { ...ctxOf(actor), ...(o.note ? { note: o.note } : {}) }))));
      });
  }
  task.command('show').argument('<id>').action(async (id: string) => {
    await withContext(async ({ db }) => console.log(render(await showTask(db, id))));
  });
  task.command('list').action(async () => {
    await withContext(async ({ db }) => {
      for (const t of await listTasks(db, { region: null })) console.log(`${t.id}\t${t.status}\t${t.sector}\t${t.region}\t${t.dueDate}\tquota ${t.quota}\tfilled ${t.filled ?? '-'}\tshort ${t.shortfall ?? '-'}\t${t.title}`);
    });
  });

  const reserve = civil.command('reserve').description('reservations of named people from military call-up');
  reserve.command('add').description('ask to reserve one person (pending until a second person approves)')
    .requiredOption('--iin <iin>').requiredOption('--requester <bin-or-agency>').option('--requester-kind <kind>', 'organisation | agency', 'organisation')
    .requiredOption('--list <name>').requiredOption('--reason <text>').requiredOption('--from <date>').requiredOption('--to <date>')
    .action(async (o: { iin: string; requester: string; requesterKind: string; list: string; reason: string; from: string; to: string }) => {
      await withContext(async ({ db, actor }) => {
        const r = await addReservation(db, { iin: o.iin, requester_kind: o.requesterKind, requester: o.requester, list_name: o.list, reason: o.reason, valid_from: o.from, valid_to: o.to }, ctxOf(actor));
        console.log(`reservation ${r.id} for ${r.iin} (${r.name}) is pending; a second person approves it: mobilize civil reserve approve ${r.id}`);
      });
    });
  reserve.command('import').argument('<file.csv>').description('import a reservation list (all lines or none; every bad line reported)').action(async (file: string) => {
    const text = readText(file);
    await withContext(async ({ db, actor }) => {
      const { ids } = await importReservationsCsv(db, text, ctxOf(actor));
      console.log(`${ids.length} reservations imported as pending (ids ${ids[0]}–${ids.at(-1)}); approve them: mobilize civil reserve approve ${ids.join(' ')}`);
    });
  });
  reserve.command('approve').argument('<ids...>').description('approve pending reservations: the people leave call-up plans not yet issued').action(async (ids: string[]) => {
    const nums = ids.map((i) => {
      if (!/^\d+$/.test(i)) throw new DomainError('CLI_BAD_OPTION', `"${i}" is not a reservation number`);
      return Number(i);
    });
    await withContext(async ({ db, actor }) => {
      for (const r of await approveReservations(db, nums, ctxOf(actor))) {
        console.log(`reservation ${r.reservation.id} (${r.reservation.iin}) approved; removed from plans ${r.removed.map((x) => x.planId).join(', ') || 'none'}`);
        for (const c of r.conflicts) console.log(`  CONFLICT: plan ${c.planId} already issued a summons to ${r.reservation.iin}; resolve it with the LMA`);
      }
    });
  });
  reserve.command('revoke').argument('<id>').requiredOption('--reason <text>').action(async (id: string, o: { reason: string }) => {
    if (!/^\d+$/.test(id)) throw new DomainError('CLI_BAD_OPTION', `"${id}" is not a reservation number`);
    await withContext(async ({ db, actor }) => {
      const r = await revokeReservation(db, Number(id), o.reason, ctxOf(actor));
      console.log(`reservation ${r.id} (${r.iin}) revoked`);
    });
  });
  reserve.command('list').option('--status <s>', 'pending | approved | revoked').option('--list <name>').action(async (o: { status?: string; list?: string }) => {
    await withContext(async ({ db, actor }) => {
      const rows = await listReservations(db, { ...(o.status ? { status: o.status } : {}), ...(o.list ? { list: o.list } : {}) }, ctxOf(actor));
      for (const r of rows) console.log(`${r.id}\t${r.status}\t${r.iin}\t${r.name}\t${r.region}\t${r.requester}\t${r.listName}\t${r.validFrom}..${r.validTo}\t${r.reason}`);
    });
  });
}
