/** Closed vocabularies of the registry. */
export const SEXES = ['M', 'F'] as const;

/** Why a person is not on the military register (DOMAIN.md "who is NOT registered"), plus not yet of age. */
export const MIL_EXEMPTIONS = [
  'under_age',
  'female_no_specialty',
  'discharged',
  'age_limit',
  'unfit',
  'serving_sentence',
  'resides_abroad',
  'law_enforcement',
] as const;

export const MIL_CATEGORIES = ['conscript', 'reserve_soldier', 'reserve_sergeant', 'reserve_officer'] as const;

/** Fitness categories А, Б, В, Г, Д: fit, fit with minor limits, limited, temporarily unfit, unfit. */
export const FITNESS = ['A', 'B', 'V', 'G', 'D'] as const;

export const SECTORS = ['health', 'logistics', 'communications', 'energy', 'cyber', 'other'] as const;

export const EMPLOYMENT = ['employed', 'unemployed'] as const;

export const ORG_KINDS = ['agency', 'enterprise', 'lma_office'] as const;

export type Sex = (typeof SEXES)[number];
export type MilExemption = (typeof MIL_EXEMPTIONS)[number];
export type MilCategory = (typeof MIL_CATEGORIES)[number];
export type Fitness = (typeof FITNESS)[number];
export type Sector = (typeof SECTORS)[number];
export type Employment = (typeof EMPLOYMENT)[number];
