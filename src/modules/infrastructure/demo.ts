import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { seededRng } from '../../kernel/rng.ts';
import { districtsOf, makeBin, regions } from '../registry/index.ts';
import { formCyberUnit } from './cyber-units.ts';
import { openIncident, recordIncident } from './incidents.ts';
import { createObject, type ObjectInput, type ObjectKind } from './objects.ts';
import { NATIONAL, type InfraContext } from './scope.ts';

/** Region centres in Russian, as objects are named on official lists. */
const CENTRE_RU: Record<string, string> = {
  'KZ-71': 'Астана', 'KZ-75': 'Алматы', 'KZ-79': 'Шымкент', 'KZ-10': 'Семей', 'KZ-11': 'Кокшетау', 'KZ-15': 'Актобе', 'KZ-19': 'Конаев',
  'KZ-23': 'Атырау', 'KZ-27': 'Уральск', 'KZ-31': 'Тараз', 'KZ-33': 'Талдыкорган', 'KZ-35': 'Караганда', 'KZ-39': 'Костанай',
  'KZ-43': 'Кызылорда', 'KZ-47': 'Актау', 'KZ-55': 'Павлодар', 'KZ-59': 'Петропавловск', 'KZ-61': 'Туркестан', 'KZ-62': 'Жезказган', 'KZ-63': 'Усть-Каменогорск',
};

/** What each region gets: kind, a short code part, the name pattern, and criticality (national for the first two). */
const TEMPLATES: readonly { kind: ObjectKind; tag: string; name: (c: string) => string; criticality: 1 | 2 | 3 }[] = [
  { kind: 'energy', tag: 'TEC', name: (c) => `ТЭЦ-1 г. ${c}`, criticality: 1 },
  { kind: 'energy', tag: 'PS', name: (c) => `Подстанция 220 кВ «${c}-Северная»`, criticality: 2 },
  { kind: 'pipeline', tag: 'MG', name: (c) => `Магистральный газопровод, линейная часть у г. ${c}`, criticality: 1 },
  { kind: 'telecom', tag: 'TEL', name: (c) => `Региональный узел связи и ЦОД г. ${c}`, criticality: 2 },
  { kind: 'transport', tag: 'RW', name: (c) => `Железнодорожный узел ст. ${c}`, criticality: 2 },
  { kind: 'water', tag: 'VZ', name: (c) => `Водозабор и насосная станция г. ${c}`, criticality: 3 },
];

export interface DemoOptions {
  seed: number;
  clock: Clock;
  actor: string;
}

export interface DemoSummary {
  objects: number;
  units: number;
  incidents: number;
}

/**
 * Deterministic demo data for the tier: six objects per region (energy, pipeline, telecom, transport, water), a cyber
 * unit formed from the seeded registry in each of the three cities, and a few incidents at different stages. The
 * same seed and registry give the same rows. Called by `mobilize start` when the tier's tables are empty.
 */
export async function seedInfrastructureDemo(db: Db, opts: DemoOptions): Promise<DemoSummary> {
  const rng = seededRng(`infrastructure:${opts.seed}`);
  const now = opts.clock.now();
  const ctx: InfraContext = { actor: opts.actor, at: now, scope: NATIONAL };
  const ids = new Map<string, number>();
  let serial = 1000;
  for (const r of regions()) {
    const districts = await districtsOf(db, r.iso);
    const centre = CENTRE_RU[r.iso] ?? r.centre;
    for (const t of TEMPLATES) {
      let operatorBin: string | null = null;
      while (!operatorBin) operatorBin = makeBin('9805', 4, 0, serial++);
      const code = `${r.iso}-${t.tag}`;
      const o: ObjectInput = {
        code, name: t.name(centre), kind: t.kind, region: r.iso,
        district: districts.length ? (districts[rng.int(0, districts.length - 1)] as string) : null,
        operatorBin, criticality: r.kind === 'city' && t.criticality === 2 ? 1 : t.criticality,
        lat: Math.round((r.lat + (rng.next() - 0.5) * 0.3) * 1e4) / 1e4, lon: Math.round((r.lon + (rng.next() - 0.5) * 0.3) * 1e4) / 1e4,
      };
      ids.set(code, (await createObject(db, o, ctx)).id);
    }
  }
  const units = new Map<string, number>();
  for (const [region, name] of [['KZ-71', 'Киберрезерв Астаны'], ['KZ-75', 'Киберрезерв Алматы'], ['KZ-79', 'Киберрезерв Шымкента']] as const) {
    const { proposed } = await formCyberUnit(db, { name, homeRegion: region, sizeTarget: 8 }, ctx);
    if (proposed.length === 0) continue;
    const { unit } = await formCyberUnit(db, { name, homeRegion: region, sizeTarget: 8, apply: true }, ctx);
    if (unit) units.set(region, unit.id);
  }
  const hours = (h: number) => new Date(now.getTime() - h * 3_600_000);
  let incidents = 0;
  const incident = async (code: string, kind: 'cyber' | 'physical' | 'outage', severity: 'low' | 'medium' | 'high' | 'critical', title: string, ago: number, steps: ('contain' | 'resolve')[]) => {
    const objectId = ids.get(code);
    if (objectId === undefined) return;
    const unitId = units.get(code.slice(0, 5));
    const at = (h: number): InfraContext => ({ ...ctx, at: hours(h) });
    const i = await openIncident(db, { objectId, kind, severity, title, reportedAt: hours(ago).toISOString(), ...(kind === 'cyber' && unitId ? { respondingUnitId: unitId } : {}) }, at(ago));
    let h = ago;
    for (const step of steps) {
      h = Math.max(0, h - 2);
      await recordIncident(db, i.id, { kind: step, note: step === 'contain' ? 'Сегмент изолирован, трафик перенаправлен.' : 'Работа восстановлена, отчёт направлен.' }, at(h));
    }
    incidents++;
  };
  await incident('KZ-75-TEL', 'cyber', 'high', 'DDoS-атака на узел связи, деградация каналов', 10, ['contain']);
  await incident('KZ-71-PS', 'outage', 'medium', 'Отключение трансформатора Т-2', 30, ['contain', 'resolve']);
  await incident('KZ-23-MG', 'physical', 'critical', 'Посторонние на охраняемом участке газопровода', 3, []);
  await incident('KZ-79-TEC', 'cyber', 'medium', 'Фишинговая рассылка сотрудникам станции', 50, ['contain', 'resolve']);
  return { objects: ids.size, units: units.size, incidents };
}
