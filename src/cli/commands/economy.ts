import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import {
  NATIONAL,
  actOnTask,
  assignTask,
  compensationTotals,
  decideRequisition,
  draftRequisition,
  economyReadiness,
  importCapacities,
  listEnterprises,
  listRequisitions,
  listTasks,
  loadPriceList,
  recordLedger,
  registerEnterprise,
  seedEconomyDemo,
  setCapacity,
  showEnterprise,
  showRequisition,
  tenge,
  type EconomyContext,
  type Requisition,
} from '../../modules/economy/index.ts';
import { withContext } from '../context.ts';

function readFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError('CLI_BAD_FILE', `cannot read ${file}: ${(e as Error).message}`);
  }
}

/** "1234.5" or "1 234,50" tenge as integer tiyn, read from the digits (never through a float). */
export function parseTenge(v: string): number {
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(v.replace(/[\s_]/g, ''));
  if (!m) throw new DomainError('CLI_BAD_OPTION', `"${v}" is not an amount in tenge (e.g. 1500000 or 1500000.50)`);
  const tiyn = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(tiyn)) throw new DomainError('CLI_BAD_OPTION', `${v} tenge is too large`);
  return tiyn;
}

const int = (name: string, v: string): number => {
  if (!/^\d+$/.test(v)) throw new DomainError('CLI_BAD_OPTION', `${name} must be a whole number, not "${v}"`);
  return Number(v);
};

function render(r: Requisition): string {
  const owner = r.owner.kind === 'enterprise' ? `enterprise ${r.owner.bin}${r.owner.name ? ` ${r.owner.name}` : ''}` : `citizen ${r.owner.iin}`;
  return [
    `requisition #${r.id} — ${r.state.toUpperCase()} · ${owner} · ${r.region} · ${r.useFrom} → ${r.useUntil}`,
    `  ${r.purpose}`,
    `items (valued by ${r.priceList}):`,
    ...r.items.map((i, n) => `  ${n + 1}. ${i.kind} ×${i.quantity} ${i.unit}, ${i.condition}, ${i.ageYears} y: market ${tenge(i.marketValueTiyn)}${i.overrideTiyn !== null ? `, appraiser ${tenge(i.overrideTiyn)} (${i.overrideJustification})` : ''} — ${i.description}`),
    `  total ${tenge(r.valueTiyn)}`,
    'actions:',
    ...r.actions.map((a) => `  ${a.at} ${a.action} by ${a.actor}${a.note ? ` — ${a.note}` : ''}`),
    'ledger:',
    ...r.ledger.map((e) => `  ${e.seq}. ${e.at} ${e.kind.padEnd(8)} ${tenge(e.amountTiyn).padStart(22)}${e.note ? ` — ${e.note}` : ''}`),
    `  owed ${tenge(r.totals.owed)} − returned ${tenge(r.totals.returned)} + damage ${tenge(r.totals.damage)} − paid ${tenge(r.totals.paid)} = balance ${tenge(r.totals.balance)}`,
  ].join('\n');
}

export function economyCommands(program: Command): void {
  const economy = program.command('economy').description('economic tier: enterprises and capacities, tasks, requisitions of property and compensation');
  // The CLI is the national operators' tool: no regional confinement; the two-person rule holds by user name.
  const ctxOf = (actor: string): EconomyContext => ({ actor, at: systemClock.now(), scope: NATIONAL });

  economy.command('enterprises').description('enterprises with their declared capacities').option('--region <iso>', 'one region')
    .action(async (o: { region?: string }) => {
      await withContext(async ({ db }) => {
        for (const e of await listEnterprises(db, NATIONAL, o.region ? { region: o.region } : {})) {
          console.log(`${e.bin} ${(e.region ?? '').padEnd(6)} ${e.name.padEnd(32)} vehicles ${e.declared.vehicles}, fuel ${e.declared.fuel} t/day, production ${e.declared.production}/day, buildings ${e.declared.buildings} m², open tasks ${e.openTasks}`);
        }
      });
    });

  economy.command('enterprise').description('an enterprise: capacity lines and tasks').argument('<bin>').option('--format <format>', 'text or json', 'text')
    .action(async (bin: string, o: { format: string }) => {
      await withContext(async ({ db }) => {
        const e = await showEnterprise(db, bin, NATIONAL);
        if (o.format === 'json') return console.log(JSON.stringify(e, null, 2));
        console.log(`${e.bin} ${e.name} (${e.region ?? '-'}, ${e.sector ?? '-'})`);
        for (const c of e.capacities) console.log(`  ${c.kind.padEnd(10)} ${c.subtype.padEnd(14)} ${String(c.quantity).padStart(8)} ${c.unit.padEnd(9)} ${c.region} committed ${c.committed}${c.places !== null ? ` places ${c.places}` : ''}${c.location ? ` · ${c.location}` : ''}`);
        for (const t of e.tasks) console.log(`  task #${t.id} ${t.state.padEnd(9)} ${t.quantity} ${t.unit} ${t.subtype} → ${t.destination} by ${t.dueDate} (delivered ${t.delivered})`);
      });
    });

  economy.command('register').description('register an organisation as an enterprise').argument('<bin>').argument('<name>')
    .requiredOption('--region <iso>', 'its region').option('--sector <sector>', 'its sector')
    .action(async (bin: string, name: string, o: { region: string; sector?: string }) => {
      await withContext(async ({ db, actor }) => {
        const e = await registerEnterprise(db, { bin, name, region: o.region, ...(o.sector ? { sector: o.sector } : {}) }, ctxOf(actor));
        console.log(`enterprise ${e.bin} ${e.name} registered in ${e.region}`);
      });
    });

  economy.command('capacity-import').description('import capacity lines from CSV (all or nothing; see examples/economy/capacities.csv)').argument('<file>')
    .action(async (file: string) => {
      const csv = readFile(file);
      await withContext(async ({ db, actor }) => {
        const s = await importCapacities(db, csv, { ...ctxOf(actor), file });
        console.log(`imported ${s.lines} capacity lines for ${s.enterprises} enterprises`);
      });
    });

  economy.command('capacity').description('declare one capacity line').requiredOption('--bin <bin>').requiredOption('--kind <kind>', 'vehicles, fuel, production or buildings')
    .requiredOption('--subtype <subtype>', 'truck, bus, fuel_tanker, diesel, …').requiredOption('--quantity <n>').requiredOption('--region <iso>')
    .option('--places <n>', 'beds or places (buildings)').option('--location <text>')
    .action(async (o: { bin: string; kind: string; subtype: string; quantity: string; region: string; places?: string; location?: string }) => {
      await withContext(async ({ db, actor }) => {
        const lines = await setCapacity(db, { bin: o.bin, kind: o.kind, subtype: o.subtype, quantity: int('--quantity', o.quantity), region: o.region, ...(o.places ? { places: int('--places', o.places) } : {}), ...(o.location ? { location: o.location } : {}) }, ctxOf(actor));
        console.log(`${o.bin}: ${lines.length} capacity lines`);
      });
    });

  const task = economy.command('task').description('mobilization tasks given to enterprises');
  task.command('assign').description('assign a task (refused beyond the declared capacity)').requiredOption('--bin <bin>').requiredOption('--kind <kind>').requiredOption('--subtype <subtype>')
    .requiredOption('--quantity <n>').requiredOption('--to <iso>', 'destination region').requiredOption('--due <date>', 'YYYY-MM-DD').option('--note <text>')
    .action(async (o: { bin: string; kind: string; subtype: string; quantity: string; to: string; due: string; note?: string }) => {
      await withContext(async ({ db, actor }) => {
        const t = await assignTask(db, { bin: o.bin, kind: o.kind, subtype: o.subtype, quantity: int('--quantity', o.quantity), destination: o.to, dueDate: o.due, ...(o.note ? { note: o.note } : {}) }, ctxOf(actor));
        console.log(`task #${t.id}: ${t.quantity} ${t.unit} of ${t.subtype} from ${t.enterprise} to ${t.destination} by ${t.dueDate} (${t.state})`);
      });
    });
  task.command('list').description('tasks, newest first').option('--bin <bin>').action(async (o: { bin?: string }) => {
    await withContext(async ({ db }) => {
      for (const t of await listTasks(db, NATIONAL, o.bin ? { bin: o.bin } : {})) console.log(`#${t.id} ${t.state.padEnd(9)} ${t.bin} ${t.quantity} ${t.unit} ${t.subtype} → ${t.destination} by ${t.dueDate}, delivered ${t.delivered}`);
    });
  });
  for (const action of ['accept', 'decline'] as const) {
    task.command(action).description(`${action} a task on the enterprise's behalf`).argument('<id>').option('--note <text>')
      .action(async (id: string, o: { note?: string }) => {
        await withContext(async ({ db, actor }) => {
          const t = await actOnTask(db, id, action, o.note ? { note: o.note } : {}, ctxOf(actor));
          console.log(`task #${t.id}: ${t.state}`);
        });
      });
  }
  task.command('progress').description('report a quantity delivered').argument('<id>').requiredOption('--quantity <n>').option('--note <text>')
    .action(async (id: string, o: { quantity: string; note?: string }) => {
      await withContext(async ({ db, actor }) => {
        const t = await actOnTask(db, id, 'progress', { quantity: int('--quantity', o.quantity), ...(o.note ? { note: o.note } : {}) }, ctxOf(actor));
        console.log(`task #${t.id}: ${t.state}, delivered ${t.delivered} of ${t.quantity} ${t.unit}`);
      });
    });

  const req = economy.command('requisition').description('requisitions of property, valued at market value');
  req.command('draft').description('draft a requisition from a YAML/JSON file (see examples/economy/requisition.yaml)').argument('<file>')
    .action(async (file: string) => {
      let doc: unknown;
      try {
        doc = parseYaml(readFile(file));
      } catch (e) {
        throw new DomainError('CLI_BAD_FILE', `${file} is not valid YAML: ${(e as Error).message}`);
      }
      await withContext(async ({ db, actor }) => {
        const r = await draftRequisition(db, doc, ctxOf(actor));
        console.log(`requisition #${r.id} drafted: ${tenge(r.valueTiyn)}; a second person approves it: mobilize economy requisition approve ${r.id}`);
      });
    });
  req.command('list').description('requisitions, newest first').action(async () => {
    await withContext(async ({ db, actor }) => {
      for (const r of await listRequisitions(db, ctxOf(actor))) console.log(`#${r.id} ${r.state.padEnd(8)} ${r.region.padEnd(6)} ${r.ownerKind} ${r.owner} value ${tenge(r.valueTiyn)} balance ${tenge(r.balanceTiyn)}`);
    });
  });
  req.command('show').description('a requisition with its items, approvals and ledger').argument('<id>').option('--format <format>', 'text or json', 'text')
    .action(async (id: string, o: { format: string }) => {
      await withContext(async ({ db, actor }) => {
        const r = await showRequisition(db, id, ctxOf(actor));
        console.log(o.format === 'json' ? JSON.stringify(r, null, 2) : render(r));
      });
    });
  for (const decision of ['approve', 'reject'] as const) {
    req.command(decision).description(decision === 'approve' ? 'approve (not by whoever drafted it); writes what is owed' : 'reject a draft').argument('<id>').option('--note <text>')
      .action(async (id: string, o: { note?: string }) => {
        await withContext(async ({ db, actor }) => {
          const r = await decideRequisition(db, id, decision, o.note ? { note: o.note } : {}, ctxOf(actor));
          console.log(`requisition #${r.id}: ${r.state}${decision === 'approve' ? `, owed ${tenge(r.totals.owed)}` : ''}`);
        });
      });
  }
  req.command('pay').description('record a payment to the owner (at most the balance)').argument('<id>').requiredOption('--amount <tenge>').option('--note <text>')
    .action(async (id: string, o: { amount: string; note?: string }) => {
      const amountTiyn = parseTenge(o.amount);
      await withContext(async ({ db, actor }) => {
        const r = await recordLedger(db, id, { kind: 'paid', amountTiyn, ...(o.note ? { note: o.note } : {}) }, ctxOf(actor));
        console.log(`requisition #${r.id}: paid ${tenge(amountTiyn)}, balance ${tenge(r.totals.balance)}`);
      });
    });
  req.command('return').description('record the return of the property (reduces what is owed for the unused period)').argument('<id>').option('--on <date>', 'YYYY-MM-DD (today)').option('--note <text>')
    .action(async (id: string, o: { on?: string; note?: string }) => {
      await withContext(async ({ db, actor }) => {
        const r = await recordLedger(db, id, { kind: 'returned', ...(o.on ? { on: o.on } : {}), ...(o.note ? { note: o.note } : {}) }, ctxOf(actor));
        console.log(`requisition #${r.id}: returned, reduction ${tenge(r.ledger.at(-1)?.amountTiyn ?? 0)}, balance ${tenge(r.totals.balance)} (${r.state})`);
      });
    });
  req.command('damage').description('record damage found on return').argument('<id>').requiredOption('--amount <tenge>').requiredOption('--note <text>', 'what and how assessed')
    .action(async (id: string, o: { amount: string; note: string }) => {
      const amountTiyn = parseTenge(o.amount);
      await withContext(async ({ db, actor }) => {
        const r = await recordLedger(db, id, { kind: 'damage', amountTiyn, note: o.note }, ctxOf(actor));
        console.log(`requisition #${r.id}: damage ${tenge(amountTiyn)}, balance ${tenge(r.totals.balance)}`);
      });
    });

  economy.command('compensation').description('compensation totals per region or owner').option('--by <by>', 'region or owner', 'region')
    .action(async (o: { by: string }) => {
      if (o.by !== 'region' && o.by !== 'owner') throw new DomainError('CLI_BAD_OPTION', '--by must be region or owner');
      await withContext(async ({ db, actor }) => {
        for (const t of await compensationTotals(db, ctxOf(actor), o.by as 'region' | 'owner')) {
          console.log(`${t.key.padEnd(12)} ${String(t.requisitions).padStart(4)} owed ${tenge(t.owedTiyn)} returned ${tenge(t.returnedTiyn)} damage ${tenge(t.damageTiyn)} paid ${tenge(t.paidTiyn)} balance ${tenge(t.balanceTiyn)}`);
        }
      });
    });

  economy.command('readiness').description('economic readiness per region').option('--format <format>', 'text or json', 'text')
    .action(async (o: { format: string }) => {
      await withContext(async ({ db }) => {
        const rows = await economyReadiness(db);
        if (o.format === 'json') return console.log(JSON.stringify(rows, null, 2));
        for (const r of rows) console.log(`${r.region.padEnd(6)} ${Object.entries(r.measures).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      });
    });

  economy.command('prices').description('the reference market price list requisitions are valued with').action(() => {
    const p = loadPriceList();
    console.log(`${p.id}@${p.version} (${p.date}) — ${p.source}`);
    for (const [kind, k] of Object.entries(p.kinds)) console.log(`  ${kind.padEnd(12)} ${tenge(k.unitPrice * 100).padStart(18)} per ${k.unit}, −${k.depreciationBp / 100} %/year, floor ${k.floorBp / 100} %`);
  });

  economy.command('seed-demo').description('demo enterprises with capacities (only into an empty economic tier)').option('--seed <n>', 'seed', '1')
    .action(async (o: { seed: string }) => {
      await withContext(async ({ db, actor }) => {
        const s = await seedEconomyDemo(db, { seed: int('--seed', o.seed), clock: systemClock, actor });
        console.log(s.enterprises ? `seeded ${s.enterprises} enterprises with ${s.capacityLines} capacity lines` : 'the economic tier has capacities already; nothing seeded');
      });
    });
}
