/** Readiness: aggregate counts per region for the dashboard (registry fields and rule-pack eligibility). */
export { regionReadiness, READINESS_MEASURES, LIABLE_RULE_SET, ESSENTIAL_RULE_SET, type Readiness, type ReadinessMeasure, type RegionReadiness } from './readiness.ts';
export { fourTierReadiness, militaryReadiness, TIERS, type FourTierReadiness, type Tier, type TierReadiness } from './tiers.ts';
