/**
 * Who counts as having cyber skills, as data. A person matches when any clause does; the clause's tier says how
 * strong the match is (1 strongest) and orders proposals when a unit is formed. The words are the registry's own
 * vocabulary: sectors from registry/vocab.ts, occupations as the synthetic registry writes them (registry/names.ts
 * OCCUPATIONS.cyber and .communications), military specialty codes from data/specialties.json.
 */
export interface SkillClause {
  tier: 1 | 2 | 3;
  why: string;
  sectors?: readonly string[];
  occupations?: readonly string[];
  specialties?: readonly string[];
}

export const CYBER_SKILL_RULE: readonly SkillClause[] = [
  { tier: 1, why: 'works in the cyber sector', sectors: ['cyber'] },
  {
    tier: 1,
    why: 'cyber occupation',
    occupations: ['инженер-программист', 'системный администратор', 'специалист по информационной безопасности', 'сетевой инженер'],
  },
  {
    tier: 2,
    why: 'telecommunications or IT occupation',
    occupations: ['инженер связи', 'специалист по телекоммуникациям', 'радиомеханик', 'монтажник связи', 'оператор связи'],
  },
  { tier: 3, why: 'military specialty in information, signals or radio engineering', specialties: ['information', 'signals', 'radio'] },
];

/**
 * Besides a skill: of working age (18 to 60 inclusive on the day), not serving a sentence and not residing abroad,
 * as those people cannot be reached or trusted with a unit's access.
 */
export const CYBER_AGE = { min: 18, max: 60 } as const;

export interface SkillFacts {
  sector: string | null;
  occupation: string | null;
  specialty: string | null;
  birth_date: string | Date;
  serving_sentence: boolean;
  resides_abroad: boolean;
}

export interface SkillMatch {
  tier: 1 | 2 | 3;
  why: string;
}

function isoDate(d: string | Date): string {
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}

/** Date bounds (YYYY-MM-DD) of birth dates CYBER_AGE allows on `today`. */
export function birthBounds(today: string): { earliest: string; latest: string } {
  const y = Number(today.slice(0, 4));
  const md = today.slice(4);
  // Born after today minus (max + 1) years is at most max years old; born on or before today minus min is min or older.
  const earliestDay = new Date(`${y - CYBER_AGE.max - 1}${md === '-02-29' ? '-02-28' : md}T00:00:00Z`);
  earliestDay.setUTCDate(earliestDay.getUTCDate() + 1);
  return { earliest: earliestDay.toISOString().slice(0, 10), latest: `${y - CYBER_AGE.min}${md === '-02-29' ? '-02-28' : md}` };
}

/** The strongest clause a person matches, or null with the reason they are not eligible. */
export function cyberSkillMatch(p: SkillFacts, today: string): SkillMatch | { tier: null; why: string } {
  if (p.serving_sentence) return { tier: null, why: 'serving a sentence' };
  if (p.resides_abroad) return { tier: null, why: 'resides abroad' };
  const { earliest, latest } = birthBounds(today);
  const born = isoDate(p.birth_date);
  if (born < earliest || born > latest) return { tier: null, why: `not aged ${CYBER_AGE.min} to ${CYBER_AGE.max}` };
  let best: SkillMatch | null = null;
  for (const c of CYBER_SKILL_RULE) {
    const hit = (c.sectors && p.sector !== null && c.sectors.includes(p.sector)) || (c.occupations && p.occupation !== null && c.occupations.includes(p.occupation)) || (c.specialties && p.specialty !== null && c.specialties.includes(p.specialty));
    if (hit && (!best || c.tier < best.tier)) best = { tier: c.tier, why: c.why };
  }
  return best ?? { tier: null, why: 'no cyber, IT or communications skill on record' };
}

/**
 * The same rule as SQL over a persons row aliased `alias`: an expression giving the tier (NULL when no clause
 * matches) and a condition for the other requirements; parameters appended to `params`.
 */
export function skillTierSql(alias: string, params: unknown[]): string {
  const whens: string[] = [];
  for (const c of CYBER_SKILL_RULE) {
    const ors: string[] = [];
    if (c.sectors) ors.push(`${alias}.sector = ANY($${params.push([...c.sectors])}::text[])`);
    if (c.occupations) ors.push(`${alias}.occupation = ANY($${params.push([...c.occupations])}::text[])`);
    if (c.specialties) ors.push(`${alias}.specialty = ANY($${params.push([...c.specialties])}::text[])`);
    whens.push(`WHEN ${ors.join(' OR ')} THEN ${c.tier}`);
  }
  // CASE takes the first WHEN that holds, so the strongest tiers go first whatever order the rule lists them in.
  const ordered = [...whens].map((w, i) => ({ w, tier: (CYBER_SKILL_RULE[i] as SkillClause).tier })).sort((a, b) => a.tier - b.tier);
  return `(CASE ${ordered.map((o) => o.w).join(' ')} END)`;
}

export function skillConditionSql(alias: string, today: string, params: unknown[]): string {
  const { earliest, latest } = birthBounds(today);
  return `(NOT ${alias}.serving_sentence AND NOT ${alias}.resides_abroad AND ${alias}.birth_date BETWEEN $${params.push(earliest)}::date AND $${params.push(latest)}::date AND ${skillTierSql(alias, params)} IS NOT NULL)`;
}

