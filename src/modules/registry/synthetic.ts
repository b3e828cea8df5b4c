import { seededRng } from '../../kernel/rng.ts';
import { makeBin, makeIin } from './iin.ts';
import {
  CENTRE_RU,
  KAZAKH_FEMALE,
  KAZAKH_MALE,
  KAZAKH_NAME_SHARE,
  KAZAKH_SURNAMES,
  LAW_ENFORCEMENT_OCCUPATIONS,
  OCCUPATIONS,
  RURAL_STREETS,
  RUSSIAN_FEMALE,
  RUSSIAN_MALE,
  RUSSIAN_SURNAMES,
  STREETS,
  VILLAGES,
  kazakhPatronymic,
  type MaleName,
  type Surname,
} from './names.ts';
import type { PersonRecord } from './person.ts';
import { regions, specialties } from './reference.ts';
import type { Sector } from './vocab.ts';

/**
 * A synthetic but plausible national registry: deterministic for a seed (seededRng only, never Math.random or
 * the clock), valid for parsePerson without errors or warnings, and fast (integer day arithmetic, precomputed
 * tables, no per-row regexes or Date objects).
 */
export interface GenerateOptions {
  count: number;
  seed: number;
  /** Calendar date YYYY-MM-DD the ages, birth dates and children's dates are relative to. */
  today: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar: days since 1970-01-01 (H. Hinnant's civil-date algorithms), integers only.

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function parseToday(today: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const d = Number(m?.[3]);
  if (!m || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`today must be a date YYYY-MM-DD, got "${today}"`);
  return [y, mo, d];
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

// ---------------------------------------------------------------------------------------------------------------
// Population structure.

const AGE_MIN = 16;
const AGE_MAX = 80;

/**
 * Persons per single year of age 16..80 (thousands, approximate for Kazakhstan in the mid-2020s): a young
 * population, the birth dip of the late 1990s, large cohorts born around 1990, few old people.
 */
const AGE_WEIGHTS: readonly number[] = [
  340, 330, 320, 305, 290, 275, 265, 245, 230, 225, 225, 220, // 16..27
  225, 230, 240, 255, 275, 295, 310, 320, 325, 320, 315, 310, 300, // 28..40
  285, 275, 265, 255, 245, 235, 230, 225, 220, 215, // 41..50
  210, 205, 200, 200, 195, 190, 185, 180, 175, 170, // 51..60
  160, 150, 140, 130, 120, 110, 100, 92, 85, 78, // 61..70
  72, 66, 60, 52, 44, 38, 34, 32, 30, 28, // 71..80
];

/** Share of men by age: about even among the young, more women among the old. */
function maleShare(age: number): number {
  if (age <= 30) return 0.51;
  if (age <= 45) return 0.495;
  if (age <= 55) return 0.47;
  if (age <= 60) return 0.45;
  if (age <= 65) return 0.42;
  if (age <= 70) return 0.39;
  if (age <= 75) return 0.35;
  return 0.31;
}

const SECTOR_ORDER: readonly Sector[] = ['health', 'logistics', 'communications', 'energy', 'cyber', 'other'];
const SECTOR_SHARES: readonly number[] = [0.07, 0.06, 0.03, 0.03, 0.01, 0.8];

const FITNESS_YOUNG = cumulative([0.58, 0.24, 0.1, 0.03, 0.05]);
const FITNESS_OLD = cumulative([0.4, 0.3, 0.2, 0.03, 0.07]);
const FITNESS_FEMALE_REGISTERED = cumulative([0.7, 0.25, 0.05, 0, 0]);
const FITNESS_CODES = ['A', 'B', 'V', 'G', 'D'] as const;

const CHILDREN_F = cumulative([0.1, 0.15, 0.28, 0.27, 0.2]);
const CHILDREN_M = cumulative([0.14, 0.15, 0.27, 0.25, 0.19]);

const MOBILE_OPERATORS = ['700', '701', '702', '705', '707', '708', '747', '771', '775', '776', '777', '778'];

/** How many employers the synthetic registry draws from, so that employers repeat. */
export const EMPLOYER_POOL_SIZE = 2000;

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let total = 0;
  for (const w of weights) total += w;
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += (weights[i] as number) / total;
    out[i] = acc;
  }
  out[weights.length - 1] = 1;
  return out;
}

/** Index for a uniform u in [0, 1) from a normalised cumulative table (binary search). */
function draw(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < (cum[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const at = <T>(items: readonly T[], i: number): T => items[i] as T;

/**
 * Valid, distinct BINs of resident legal entities (mostly head offices, some branches), deterministic for a seed.
 */
export function syntheticBins(seed: number, count: number): string[] {
  const rng = seededRng(`bins:${seed}`);
  const seen = new Set<string>();
  const out: string[] = [];
  let attempts = 0;
  while (out.length < count) {
    if (++attempts > count * 20 + 1000) throw new RangeError(`cannot make ${count} distinct BINs`);
    const yy = 2000 + rng.int(0, 25);
    const yyMM = pad2(yy % 100) + pad2(rng.int(1, 12));
    const entity = rng.chance(0.95) ? 4 : 6;
    const office = rng.chance(0.8) ? 0 : 1;
    const bin = makeBin(yyMM, entity, office, rng.int(0, 99_999));
    if (bin === null || seen.has(bin)) continue;
    seen.add(bin);
    out.push(bin);
  }
  return out;
}

interface RegionPlan {
  iso: string;
  urbanShare: number;
  /** District codes; for a region (not a city) the first is its centre city. */
  districts: string[];
  /** Cumulative weights over districts for rural residents (region) or everyone (city). */
  districtCum: Float64Array;
  /** First district index rural residents are drawn from. */
  ruralFrom: number;
  cityPrefix: string;
  ruralPrefix: string;
  kazakhShare: number;
}

function planRegions(): { plans: RegionPlan[]; cum: Float64Array } {
  const rs = regions();
  const plans = rs.map((r): RegionPlan => {
    const n = Math.max(3, Math.min(20, Math.round(r.population_k / 110)));
    const districts = Array.from({ length: n }, (_, i) => `${r.iso}-D${pad2(i + 1)}`);
    const isCity = r.kind === 'city';
    const ruralFrom = isCity ? 0 : 1;
    const weights = districts.map((_, i) => (i < ruralFrom ? 0 : 1 / Math.pow(i - ruralFrom + 1, 0.7)));
    return {
      iso: r.iso,
      urbanShare: isCity ? 1 : 0.5,
      districts,
      districtCum: cumulative(weights),
      ruralFrom,
      cityPrefix: `г. ${CENTRE_RU[r.centre] ?? r.centre}, `,
      ruralPrefix: `${r.name_ru}, с. `,
      kazakhShare: KAZAKH_NAME_SHARE[r.iso] ?? 0.7,
    };
  });
  return { plans, cum: cumulative(rs.map((r) => r.population_k)) };
}

function rankFor(category: 'reserve_soldier' | 'reserve_sergeant' | 'reserve_officer', age: number, u: number): string {
  if (category === 'reserve_soldier') return u < 0.85 ? 'private' : 'corporal';
  if (category === 'reserve_sergeant') return u < 0.4 ? 'junior sergeant' : u < 0.85 ? 'sergeant' : 'senior sergeant';
  if (age <= 25) return u < 0.85 ? 'lieutenant' : 'senior lieutenant';
  if (age <= 29) return u < 0.35 ? 'lieutenant' : u < 0.85 ? 'senior lieutenant' : 'captain';
  if (age <= 35) return u < 0.25 ? 'senior lieutenant' : u < 0.85 ? 'captain' : 'major';
  if (age <= 45) return u < 0.3 ? 'captain' : u < 0.85 ? 'major' : 'lieutenant colonel';
  return u < 0.15 ? 'captain' : u < 0.6 ? 'major' : u < 0.92 ? 'lieutenant colonel' : 'colonel';
}

/**
 * Generates `count` persons aged 16..80 on `today`. The same seed, count and today give the same records, and a
 * longer run starts with the records of a shorter one. IINs encode the record's birth date and sex and stay
 * distinct (per birth date and sex there are about 9,900 valid serials; 5 million persons use a few hundred).
 */
export function* generatePersons(opts: GenerateOptions): Generator<PersonRecord> {
  const { count, seed } = opts;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number, got ${count}`);
  const [ty, tm, td] = parseToday(opts.today);
  const todayDay = daysFromCivil(ty, tm, td);
  /** The date k years before today (29 February becomes 28 February in a common year). */
  const yearsBefore = (k: number) => daysFromCivil(ty - k, tm, Math.min(td, daysInMonth(ty - k, tm)));

  // Birth-day ranges per age: age a on today <=> birth day in [yearsBefore(a + 1) + 1, yearsBefore(a)].
  const ages = AGE_MAX - AGE_MIN + 1;
  const ageLo = new Int32Array(ages);
  const ageSpan = new Int32Array(ages);
  for (let i = 0; i < ages; i++) {
    const a = AGE_MIN + i;
    ageLo[i] = yearsBefore(a + 1) + 1;
    ageSpan[i] = yearsBefore(a) - (ageLo[i] as number) + 1;
  }
  const baseDay = ageLo[ages - 1] as number;
  const dayCount = todayDay - baseDay + 1;
  const dates: string[] = new Array<string>(dayCount);
  for (let i = 0; i < dayCount; i++) {
    const [y, m, d] = civilFromDays(baseDay + i);
    dates[i] = `${y}-${pad2(m)}-${pad2(d)}`;
  }
  const dateOf = (day: number) => dates[day - baseDay] as string;

  // (age, sex) table: index 2i = male of age AGE_MIN+i, 2i+1 = female.
  const ageSexWeights: number[] = [];
  for (let i = 0; i < ages; i++) {
    const w = AGE_WEIGHTS[i] ?? 0;
    const ms = maleShare(AGE_MIN + i);
    ageSexWeights.push(w * ms, w * (1 - ms));
  }
  const ageSexCum = cumulative(ageSexWeights);

  const { plans, cum: regionCum } = planRegions();
  const specs = specialties().map((s) => s.code);
  const specialtyCum = cumulative(specs.map((_, i) => (i < 10 ? 8 : 3)));
  const medical = specs.includes('medical') ? 'medical' : at(specs, 0);

  const bins = syntheticBins(seed, EMPLOYER_POOL_SIZE);
  const employers: string[][] = [];
  {
    let from = 0;
    for (let s = 0; s < SECTOR_ORDER.length; s++) {
      const n = s === SECTOR_ORDER.length - 1 ? bins.length - from : Math.max(1, Math.round(bins.length * (SECTOR_SHARES[s] as number)));
      employers.push(bins.slice(from, from + n));
      from += n;
    }
  }
  const sectorCum = cumulative(SECTOR_SHARES);

  // Local copies: module imports are live bindings, read through a getter on every access.
  const streets = STREETS;
  const ruralStreets = RURAL_STREETS;
  const villages = VILLAGES;
  const kazakhSurnames = KAZAKH_SURNAMES;
  const russianSurnames = RUSSIAN_SURNAMES;
  const kazakhMale = KAZAKH_MALE;
  const russianMale = RUSSIAN_MALE;
  const kazakhFemale = KAZAKH_FEMALE;
  const russianFemale = RUSSIAN_FEMALE;
  const operators = MOBILE_OPERATORS;
  const lawOccupations = LAW_ENFORCEMENT_OCCUPATIONS;
  const occupations = OCCUPATIONS;

  const rng = seededRng(seed);
  const next = rng.next;
  const int = (n: number) => Math.floor(next() * n); // 0..n-1
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  // Several small independent choices from one draw: take(n) uses the draw's leading digits in base n and keeps
  // the rest (32 random bits suffice for the ~20 bits a name or an address needs).
  let frac = 0;
  const fresh = () => {
    frac = next();
  };
  const take = (n: number): number => {
    frac *= n;
    const i = Math.floor(frac);
    frac -= i;
    return i;
  };

  // Per (birth day, sex): how many serials were tried. Each (birth day, sex) starts at its own seed-dependent
  // serial and counts up modulo 10,000, so serials look varied. IINs are unique within one seed only: registries
  // of two seeds are not meant to be merged and can share IINs.
  const serialTries = new Uint16Array(dayCount * 2);
  const serialSalt = seededRng(`iin:${seed}`).int(0, 0x7fffffff);
  const serialStart = (slot: number): number => {
    let h = Math.imul((slot ^ serialSalt) >>> 0, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca77);
    h ^= h >>> 13;
    return (h >>> 0) % 10000;
  };

  for (let n = 0; n < count; n++) {
    // Who: age, sex, birth date, IIN.
    const as = draw(ageSexCum, next());
    const ageIdx = as >>> 1;
    const age = AGE_MIN + ageIdx;
    const male = (as & 1) === 0;
    const sex = male ? 'M' : 'F';
    const birthDay = (ageLo[ageIdx] as number) + int(ageSpan[ageIdx] as number);
    const birthDate = dateOf(birthDay);
    const slot = (birthDay - baseDay) * 2 + (male ? 0 : 1);
    let iin: string | null = null;
    while (iin === null) {
      const tries = serialTries[slot] as number;
      if (tries >= 10000) throw new RangeError(`no IIN serials left for ${birthDate} ${sex}`);
      serialTries[slot] = tries + 1;
      iin = makeIin(birthDate, sex, (serialStart(slot) + tries) % 10000);
    }

    // Where.
    const plan = at(plans, draw(regionCum, next()));
    const urban = next() < plan.urbanShare;
    const districtIdx = urban && plan.ruralFrom === 1 ? 0 : draw(plan.districtCum, next());
    const district = at(plan.districts, districtIdx);
    fresh();
    const address = urban
      ? `${plan.cityPrefix}${at(streets, take(streets.length))}, д. ${1 + take(150)}${take(100) < 65 ? `, кв. ${1 + take(180)}` : ''}`
      : `${plan.ruralPrefix}${at(villages, (districtIdx * 7 + take(4)) % villages.length)}, ${at(ruralStreets, take(ruralStreets.length))}, д. ${1 + take(60)}`;

    // Name.
    const kazakh = next() < plan.kazakhShare;
    fresh();
    const surnames = kazakh ? kazakhSurnames : russianSurnames;
    const fathers = kazakh ? kazakhMale : russianMale;
    const surname: Surname = at(surnames, take(surnames.length));
    const father: MaleName = at(fathers, take(fathers.length));
    const firstNames = male ? fathers : kazakh ? kazakhFemale : russianFemale;
    const first = at<MaleName | string>(firstNames, take(firstNames.length));
    const firstName = typeof first === 'string' ? first : first.name;
    const patronymic =
      kazakh && take(10) < 3 ? kazakhPatronymic(father.name, sex) : male ? father.patronymicM : father.patronymicF;

    // Contact.
    const mobileP = age <= 60 ? 0.96 : age <= 70 ? 0.88 : 0.7;
    let mobile: string | null = null;
    if (next() < mobileP) {
      const v = int(operators.length * 10_000_000);
      mobile = `+7${at(operators, Math.floor(v / 10_000_000))}${String(10_000_000 + (v % 10_000_000)).slice(1)}`;
    }
    const mobileOnEgov = mobile !== null && next() < 0.88;
    const egovAccount = mobile !== null ? next() < 0.84 : next() < 0.2;

    // Status.
    const adult = age >= 18;
    const servingSentence = adult && next() < (male ? 0.005 : 0.0006);
    const residesAbroad = !servingSentence && next() < 0.01;
    const lawEnforcement =
      !servingSentence && !residesAbroad && age >= 18 && age <= (male ? 60 : 55) && next() < (male ? 0.01 : 0.002);

    // Military.
    let milRegistered = false;
    let milExemption: string | null = null;
    let milCategory: string | null = null;
    let rank: string | null = null;
    let specialty: string | null = null;
    let fitness: string | null = null;
    let served = false;
    if (male) {
      if (age >= 17 && age <= 60) {
        fitness = at(FITNESS_CODES, draw(age <= 40 ? FITNESS_YOUNG : FITNESS_OLD, next()));
        const u = next();
        served = age <= 18 ? false : age <= 27 ? u < Math.min(0.35, 0.12 * (age - 18)) : age <= 51 ? u < 0.38 : u < 0.6;
      } else if (age > 60) {
        served = next() < 0.75;
      }
      if (age < 17) milExemption = 'under_age';
      else if (servingSentence) milExemption = 'serving_sentence';
      else if (residesAbroad) milExemption = 'resides_abroad';
      else if (lawEnforcement) milExemption = 'law_enforcement';
      else if (age > 60) milExemption = 'age_limit';
      else if (fitness === 'D') milExemption = 'unfit';
      else if (age <= 27 && !served) {
        if (age >= 22 && next() < 0.06) {
          // Graduate of a university military department: a reserve officer who has not served.
          milCategory = 'reserve_officer';
          specialty = next() < 0.3 ? medical : at(specs, draw(specialtyCum, next()));
        } else {
          milCategory = 'conscript';
        }
      } else if (next() < (served ? 0.62 : 0.25)) {
        const u = next();
        milCategory = u < 0.09 ? 'reserve_officer' : u < 0.34 ? 'reserve_sergeant' : 'reserve_soldier';
        specialty = at(specs, draw(specialtyCum, next()));
        if (milCategory === 'reserve_officer' && age <= 32) {
          // Young reserve officers are mostly graduates of university military departments who have not served
          // (the pool of the reserve-officer call-up), doctors among them.
          if (served && next() < 0.5) served = false;
          if (!served && next() < 0.3) specialty = medical;
        }
        if (age > 50 && milCategory !== 'reserve_officer') {
          milCategory = null;
          specialty = null;
          milExemption = 'age_limit';
        }
      } else if (age > 50) {
        milExemption = 'age_limit';
      }
      if (milExemption === null) milRegistered = true;
    } else {
      if (servingSentence) milExemption = 'serving_sentence';
      else if (residesAbroad) milExemption = 'resides_abroad';
      else if (lawEnforcement) milExemption = 'law_enforcement';
      else if (age >= 20 && age <= 45 && next() < 0.03) {
        specialty = next() < 0.7 ? medical : at(specs, draw(specialtyCum, next()));
        const u = next();
        milCategory = age > 35 || u < 0.3 ? 'reserve_officer' : u < 0.6 ? 'reserve_sergeant' : 'reserve_soldier';
        fitness = at(FITNESS_CODES, draw(FITNESS_FEMALE_REGISTERED, next()));
        served = next() < 0.1;
        milRegistered = true;
      } else milExemption = 'female_no_specialty';
    }
    if (milCategory !== null && milCategory !== 'conscript') {
      rank = rankFor(milCategory as 'reserve_soldier' | 'reserve_sergeant' | 'reserve_officer', age, next());
    }

    // Civil.
    let occupation: string | null = null;
    let sector: Sector | null = null;
    let employerBin: string | null = null;
    let employment: 'employed' | 'unemployed' | null = null;
    const retirementAge = male ? 63 : 61;
    if (servingSentence || residesAbroad) {
      // Not reachable through an employer in the country.
    } else if (age < 18) {
      occupation = 'учащийся';
    } else if (age <= 22 && next() < 0.55 - 0.08 * (age - 18)) {
      occupation = 'студент';
    } else if (age >= retirementAge && next() < 0.85) {
      occupation = 'пенсионер';
    } else {
      if (lawEnforcement) {
        occupation = pick(lawOccupations);
        sector = 'other';
      } else {
        sector =
          specialty === medical && next() < 0.8 ? 'health' : at(SECTOR_ORDER, draw(sectorCum, next()));
        occupation = pick(occupations[sector]);
        if (male && occupation === 'медицинская сестра') occupation = 'медбрат';
      }
      if (!lawEnforcement && age < retirementAge && next() < 0.06) {
        employment = 'unemployed';
      } else {
        employment = 'employed';
        const pool = at(employers, SECTOR_ORDER.indexOf(sector));
        const u = next();
        employerBin = at(pool, Math.floor(pool.length * u * u));
      }
    }
    const volunteer =
      adult && !servingSentence && !residesAbroad && next() < (age <= 50 ? (male ? 0.04 : 0.015) : age <= 65 ? 0.01 : 0.003);

    // Family: children after the parent's 18th (mother) or 21st (father) year, one every few years.
    const children: string[] = [];
    if (age >= 18) {
      const target = draw(male ? CHILDREN_M : CHILDREN_F, next());
      if (target > 0) {
        let t = male ? 21 + 14 * Math.pow(next(), 1.2) : 18 + 14 * Math.pow(next(), 1.2);
        const limit = male ? 55 : 45;
        for (let c = 0; c < target && t <= limit; c++) {
          const day = birthDay + 1 + Math.floor(t * 365.2425);
          if (day > todayDay) break;
          children.push(dateOf(day));
          t += 1.3 + 4.5 * next();
        }
      }
    }

    yield {
      iin,
      last_name: male ? surname.male : surname.female,
      first_name: firstName,
      patronymic,
      birth_date: birthDate,
      sex,
      region: plan.iso,
      district,
      address,
      mobile,
      mobile_on_egov: mobileOnEgov,
      egov_account: egovAccount,
      mil_registered: milRegistered,
      mil_exemption: milExemption,
      mil_category: milCategory,
      rank,
      specialty,
      fitness,
      served,
      occupation,
      sector,
      employer_bin: employerBin,
      employment,
      volunteer,
      children_birth_dates: children,
      serving_sentence: servingSentence,
      resides_abroad: residesAbroad,
    };
  }
}
