import { isDomainError } from '../../kernel/errors.ts';
import { evaluate, type Evaluation } from './evaluate.ts';
import { findRuleSet, type Pack } from './pack.ts';
import type { EligibilityPerson } from './subjects.ts';

/**
 * One person against every rule set of a pack, each in the version in effect on `on` (a rule set with no version
 * in effect that day is left out, with its id, rather than judged by rules not in force). Pure.
 */
export function evaluateAll(pack: Pack, person: EligibilityPerson, on: string): { evaluations: Evaluation[]; notInEffect: string[] } {
  const evaluations: Evaluation[] = [];
  const notInEffect: string[] = [];
  for (const id of new Set(pack.ruleSets.map((r) => r.id))) {
    try {
      evaluations.push(evaluate(findRuleSet(pack, id, on).ruleSet, person, on));
    } catch (e) {
      if (!isDomainError(e, 'ELIGIBILITY_NOT_IN_EFFECT')) throw e;
      notInEffect.push(id);
    }
  }
  return { evaluations, notInEffect };
}
