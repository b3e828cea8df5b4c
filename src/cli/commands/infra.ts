import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../../db/client.ts';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError, isDomainError } from '../../kernel/errors.ts';
import {
  NATIONAL,
  addCyberMember,
  removeCyberMember,
  createObject,
  formCyberUnit,
  importObjectsCsv,
  infrastructureReadiness,
  listCyberUnits,
  listIncidents,
  listInfrastructureObjects,
  openIncident,
  recordIncident,
  seedInfrastructureDemo,
  showCyberUnit,
  showIncident,
  type Incident,
  type InfraContext,
} from '../../modules/infrastructure/index.ts';
import { withContext } from '../context.ts';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError('CLI_BAD_FILE', `cannot read ${file}: ${(e as Error).message}`);
  }
}

function readDoc(file: string): unknown {
  try {
    return parseYaml(readText(file));
  } catch (e) {
    if (isDomainError(e)) throw e;
    throw new DomainError('CLI_BAD_FILE', `${file} is not YAML/JSON: ${(e as Error).message}`);
  }
}

function positiveInt(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new DomainError('CLI_BAD_OPTION', `${what} must be a positive whole number, not "${v}"`);
  return n;
}

/** A unit given by id or by code (CYB-KZ-75-01). */
async function unitId(db: Db, ref: string): Promise<number> {
  if (/^\d+$/.test(ref)) return Number(ref);
  const unit = (await listCyberUnits(db, NATIONAL)).find((u) => u.code === ref);
  if (!unit) throw new DomainError('INFRA_UNIT_NOT_FOUND', `no cyber unit ${ref}`);
  return unit.id;
}

function incidentLine(i: Incident): string {
  const target = i.objectCode ? `${i.objectCode} ${i.objectName}` : `unit ${i.unitId}`;
  return `#${i.id} ${i.reportedAt} ${i.region} ${i.kind}/${i.severity} [${i.status}] ${i.title} — ${target}${i.respondingUnitCode ? ` · responding ${i.respondingUnitCode}` : ''}`;
}

export function infraCommands(program: Command): void {
  const infra = program.command('infra').description('cyber / infrastructure tier: critical objects, cyber reserve units, incident log');
  // The CLI is the national operators' tool: no regional confinement; every write and personal-data read is audited.
  const ctxOf = (actor: string): InfraContext => ({ actor, at: systemClock.now(), scope: NATIONAL });

  const object = infra.command('object').description('the register of critical infrastructure objects');
  object.command('add').description('register one object from a YAML/JSON file {code, name, kind, region, district?, operatorBin, criticality, lat?, lon?}')
    .argument('<file>')
    .action(async (file: string) => {
      const doc = readDoc(file);
      await withContext(async ({ db, actor }) => {
        const o = await createObject(db, doc, ctxOf(actor));
        console.log(`object #${o.id} ${o.code} registered (${o.kind}, ${o.region}, criticality ${o.criticality})`);
      });
    });
  object.command('import').description('import objects from CSV (header code,name,kind,region,district,operator_bin,criticality,lat,lon); all rows or none')
    .argument('<file>')
    .action(async (file: string) => {
      const csv = readText(file);
      await withContext(async ({ db, actor }) => {
        try {
          const r = await importObjectsCsv(db, csv, ctxOf(actor));
          console.log(`imported ${r.imported} objects`);
        } catch (e) {
          if (isDomainError(e, 'INFRA_IMPORT_INVALID')) {
            for (const i of (e.details.issues as { line: number; field: string; reason: string }[]) ?? []) console.error(`${file}:${i.line}: ${i.field}: ${i.reason}`);
          }
          throw e;
        }
      });
    });
  object.command('list').description('objects by region and kind')
    .option('--region <iso>').option('--kind <kind>').option('--json', 'print JSON')
    .action(async (o: { region?: string; kind?: string; json?: boolean }) => {
      await withContext(async ({ db }) => {
        const rows = await listInfrastructureObjects(db, { ...(o.region ? { region: o.region } : {}), ...(o.kind ? { kind: o.kind as 'energy' } : {}) }, NATIONAL);
        if (o.json) return void console.log(JSON.stringify(rows, null, 2));
        for (const r of rows) console.log(`#${r.id}\t${r.code}\t${r.region}\t${r.kind}\t${r.criticality}\t${r.operatorBin}\t${r.name}`);
        console.error(`${rows.length} objects`);
      });
    });

  const unit = infra.command('cyber-unit').description('cyber reserve units');
  unit.command('form').description('propose members from the region\'s eligible pool (strongest skill, volunteers, then IIN); --apply creates the unit')
    .requiredOption('--region <iso>').requiredOption('--name <name>').requiredOption('--size <n>', 'size target').option('--apply', 'create the unit with the proposed members')
    .action(async (o: { region: string; name: string; size: string; apply?: boolean }) => {
      await withContext(async ({ db, actor }) => {
        const r = await formCyberUnit(db, { name: o.name, homeRegion: o.region, sizeTarget: positiveInt(o.size, '--size'), apply: Boolean(o.apply) }, ctxOf(actor));
        for (const c of r.proposed) console.log(`${c.iin}\t${c.role}\ttier ${c.tier}\t${c.lastName} ${c.firstName}\t${c.occupation ?? ''}\t${c.specialty ?? ''}`);
        console.log(r.unit ? `unit #${r.unit.id} ${r.unit.code} formed with ${r.unit.members} of ${r.unit.sizeTarget}` : `${r.proposed.length} proposed; nothing created (add --apply)`);
      });
    });
  unit.command('add-member').description('add a person to a unit (skill rule, one unit per person, not held by a call-up)')
    .argument('<unit>', 'unit id or code').requiredOption('--iin <iin>').option('--role <role>', 'lead | analyst | operator | engineer', 'analyst')
    .action(async (ref: string, o: { iin: string; role: string }) => {
      await withContext(async ({ db, actor }) => {
        const u = await addCyberMember(db, await unitId(db, ref), { iin: o.iin, role: o.role }, ctxOf(actor));
        console.log(`${o.iin} joined ${u.code} as ${o.role} (${u.members} of ${u.sizeTarget})`);
      });
    });
  unit.command('remove-member').description('take a person out of a unit (the reason is audited)')
    .argument('<unit>', 'unit id or code').requiredOption('--iin <iin>').requiredOption('--reason <text>')
    .action(async (ref: string, o: { iin: string; reason: string }) => {
      await withContext(async ({ db, actor }) => {
        const u = await removeCyberMember(db, await unitId(db, ref), o.iin, { reason: o.reason }, ctxOf(actor));
        console.log(`${o.iin} left ${u.code} (${u.members} of ${u.sizeTarget})`);
      });
    });
  unit.command('show').description('a unit with its members (an audited read of personal data)').argument('<unit>', 'unit id or code')
    .action(async (ref: string) => {
      await withContext(async ({ db, actor }) => {
        const { unit: u, members } = await showCyberUnit(db, await unitId(db, ref), ctxOf(actor));
        console.log(`${u.code} ${u.name} — ${u.homeRegion}, ${members.length} of ${u.sizeTarget}`);
        for (const m of members) console.log(`  ${m.role.padEnd(8)} ${m.iin} ${m.lastName} ${m.firstName} (${m.occupation ?? m.specialty ?? ''})`);
      });
    });
  unit.command('list').description('units and their fill').option('--region <iso>')
    .action(async (o: { region?: string }) => {
      await withContext(async ({ db }) => {
        for (const u of await listCyberUnits(db, NATIONAL, o.region)) console.log(`#${u.id}\t${u.code}\t${u.homeRegion}\t${u.members}/${u.sizeTarget}\t${u.name}`);
      });
    });

  const incident = infra.command('incident').description('incident log: open, note, assign, contain, resolve');
  incident.command('open').description('open an incident against an object or a cyber unit\'s responsibility')
    .option('--object <id>').option('--unit <unit>', 'the unit whose responsibility it is (id or code)')
    .option('--responding <unit>', 'responding unit (id or code)').requiredOption('--kind <kind>', 'cyber | physical | outage')
    .requiredOption('--severity <s>', 'low | medium | high | critical').requiredOption('--title <text>')
    .option('--reported-at <time>', 'with offset, e.g. 2026-11-23T10:15:00+05:00 (default: now)').option('--note <text>')
    .action(async (o: { object?: string; unit?: string; responding?: string; kind: string; severity: string; title: string; reportedAt?: string; note?: string }) => {
      await withContext(async ({ db, actor }) => {
        const i = await openIncident(db, {
          ...(o.object ? { objectId: positiveInt(o.object, '--object') } : {}),
          ...(o.unit ? { unitId: await unitId(db, o.unit) } : {}),
          ...(o.responding ? { respondingUnitId: await unitId(db, o.responding) } : {}),
          kind: o.kind, severity: o.severity, title: o.title, reportedAt: o.reportedAt ?? systemClock.now().toISOString(), ...(o.note ? { note: o.note } : {}),
        }, ctxOf(actor));
        console.log(incidentLine(i));
      });
    });
  const entry = (kind: 'note' | 'contain' | 'resolve') =>
    async (id: string, text: string | { note?: string } | undefined, o?: { note?: string }) => {
      const note = typeof text === 'string' ? text : (text?.note ?? o?.note);
      await withContext(async ({ db, actor }) => {
        const i = await recordIncident(db, positiveInt(id, 'incident'), { kind, ...(note ? { note } : {}) }, ctxOf(actor));
        console.log(incidentLine(i));
      });
    };
  incident.command('note').description('add a note to the timeline').argument('<id>').argument('<text>').action(entry('note'));
  incident.command('contain').description('mark an open incident contained').argument('<id>').option('--note <text>').action(entry('contain'));
  incident.command('resolve').description('mark a contained incident resolved').argument('<id>').option('--note <text>').action(entry('resolve'));
  incident.command('assign').description('hand the response to a cyber unit').argument('<id>').requiredOption('--unit <unit>').option('--note <text>')
    .action(async (id: string, o: { unit: string; note?: string }) => {
      await withContext(async ({ db, actor }) => {
        const i = await recordIncident(db, positiveInt(id, 'incident'), { kind: 'assign', unitId: await unitId(db, o.unit), ...(o.note ? { note: o.note } : {}) }, ctxOf(actor));
        console.log(incidentLine(i));
      });
    });
  incident.command('list').description('incidents, newest first (Kazakhstan time)').option('--region <iso>').option('--status <s>', 'open | contained | resolved')
    .action(async (o: { region?: string; status?: string }) => {
      await withContext(async ({ db }) => {
        for (const i of await listIncidents(db, { ...(o.region ? { region: o.region } : {}), ...(o.status ? { status: o.status as 'open' } : {}) }, NATIONAL)) console.log(incidentLine(i));
      });
    });
  incident.command('show').description('an incident and its timeline').argument('<id>')
    .action(async (id: string) => {
      await withContext(async ({ db }) => {
        const { incident: i, timeline } = await showIncident(db, positiveInt(id, 'incident'), NATIONAL);
        console.log(incidentLine(i));
        for (const e of timeline) console.log(`  ${e.seq}. ${e.at} ${e.kind}${e.unitId ? ` unit #${e.unitId}` : ''} by ${e.actor}${e.note ? ` — ${e.note}` : ''}`);
      });
    });

  infra.command('readiness').description('per-region measures (JSON)').action(async () => {
    await withContext(async ({ db }) => console.log(JSON.stringify(await infrastructureReadiness(db), null, 2)));
  });
  infra.command('seed-demo').description('deterministic demo objects, cyber units and incidents (into an empty tier)').option('--seed <n>', 'seed', '1')
    .action(async (o: { seed: string }) => {
      await withContext(async ({ db, actor }) => {
        const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM infrastructure_objects');
        if (n > 0) throw new DomainError('CLI_NOT_EMPTY', `the register already holds ${n} objects; demo data goes into an empty tier only`);
        const s = await seedInfrastructureDemo(db, { seed: Number(o.seed), clock: systemClock, actor });
        console.log(`${s.objects} objects, ${s.units} cyber units, ${s.incidents} incidents`);
      });
    });
}
