import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml';
import { DomainError } from '../../kernel/errors.ts';
import { assertInEffect, assertReferenceDate, describeEffective, resolveWith } from './ruleset.ts';
import type { PackIssue, RuleSet, RuleSetDefinition } from './types.ts';
import { formatPath, parseDefinition, type PathSegment, type RawIssue } from './validate.ts';

/** Rule packs ship as files under policies/<country>/, one rule set (one version) per file. */
export const POLICIES_DIR = fileURLToPath(new URL('../../../policies/', import.meta.url));
export const DEFAULT_PACK_DIR = join(POLICIES_DIR, 'kz');

const PACK_FILE = /\.(ya?ml|json)$/;

export interface Pack {
  readonly dir: string;
  /** Every rule set of the pack, resolved with its parameter defaults, ordered by id then effective date. */
  readonly ruleSets: readonly RuleSet[];
  readonly definitions: readonly RuleSetDefinition[];
}

/**
 * The line of the node at path, or of its nearest existing parent. A map entry is placed on its key's line (an
 * entry whose value is a nested map would otherwise point one line below its name).
 */
function lineOf(doc: Document, counter: LineCounter, path: readonly PathSegment[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    if (n > 0) {
      const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
      const last = path[n - 1];
      if (isMap(parent) && typeof last === 'string') {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
        if (pair && isScalar(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
        continue;
      }
    }
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Reads and validates one rule-set file from its text (YAML, or JSON, which YAML reads too). Pure apart from
 * what it is given; `file` is only used in messages.
 */
export function parseRuleSetText(text: string, file: string): { definition?: RuleSetDefinition; ruleSet?: RuleSet; issues: PackIssue[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({
        file,
        path: '',
        line: counter.linePos(e.pos[0]).line,
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const raw: unknown = doc.toJS();
  const at = (i: RawIssue): PackIssue => {
    const line = lineOf(doc, counter, i.path);
    return { file, path: formatPath(i.path), ...(line !== undefined ? { line } : {}), message: i.message };
  };
  const { definition, issues } = parseDefinition(raw, file);
  if (!definition) return { issues: issues.map(at) };
  const resolved = resolveWith(definition, {});
  if (!resolved.ruleSet) return { definition, issues: resolved.issues.map(at) };
  return { definition, ruleSet: resolved.ruleSet, issues: [] };
}

export function formatIssue(i: PackIssue): string {
  return `${i.file}${i.line !== undefined ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
}

function packError(issues: PackIssue[]): DomainError {
  const shown = issues.slice(0, 20).map((i) => `  ${formatIssue(i)}`);
  if (issues.length > 20) shown.push(`  … and ${issues.length - 20} more`);
  return new DomainError(
    'ELIGIBILITY_PACK_INVALID',
    `the rule pack has ${issues.length} problem${issues.length > 1 ? 's' : ''}; fix the file${issues.length > 1 ? 's' : ''} and retry:\n${shown.join('\n')}`,
    { issues },
  );
}

/** Checks what holds across files: one file per (id, version), and versions of one id never in force together. */
export function crossFileIssues(defs: readonly RuleSetDefinition[]): PackIssue[] {
  const issues: PackIssue[] = [];
  const byId = new Map<string, RuleSetDefinition[]>();
  for (const d of defs) byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
  for (const [id, list] of byId) {
    const sorted = [...list].sort((a, b) => (a.effective.from < b.effective.from ? -1 : 1));
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i] as RuleSetDefinition;
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j] as RuleSetDefinition;
        if (a.version === b.version) {
          issues.push({ file: b.file, path: 'version', message: `rule set ${id} version ${b.version} is also defined in ${a.file}` });
        } else if (a.effective.to === undefined || a.effective.to >= b.effective.from) {
          issues.push({
            file: b.file,
            path: 'effective',
            message: `rule set ${id} version ${b.version} (${describeEffective(b.effective)}) overlaps version ${a.version} in ${a.file} (${describeEffective(a.effective)}); end the older version the day before`,
          });
        }
      }
    }
  }
  return issues;
}

/** Loads every rule-set file of a pack folder; any problem in any file fails the whole pack, with all problems listed. */
export function loadPack(dir: string = DEFAULT_PACK_DIR): Pack {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir).filter((n) => PACK_FILE.test(n)).sort();
  } catch (e) {
    throw new DomainError('ELIGIBILITY_PACK_UNREADABLE', `cannot read the rule pack folder ${dir}: ${(e as Error).message}`, { dir });
  }
  if (names.length === 0) throw new DomainError('ELIGIBILITY_PACK_UNREADABLE', `the rule pack folder ${dir} has no .yaml or .json files`, { dir });
  const issues: PackIssue[] = [];
  const definitions: RuleSetDefinition[] = [];
  const ruleSets: RuleSet[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const shown = relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
    const r = parseRuleSetText(readFileSync(path, 'utf8'), shown);
    issues.push(...r.issues);
    if (r.definition) definitions.push(r.definition);
    if (r.ruleSet) ruleSets.push(r.ruleSet);
  }
  issues.push(...crossFileIssues(definitions));
  if (issues.length > 0) throw packError(issues);
  ruleSets.sort((a, b) => (a.id !== b.id ? (a.id < b.id ? -1 : 1) : a.effective.from < b.effective.from ? -1 : 1));
  return { dir, ruleSets, definitions };
}

/**
 * The rule set named `spec` ("id", or "id@version" to pin a version) for the reference date `on`: the version in
 * force that day. Unknown names and dates outside every version are refused with the choices there are.
 */
export function findRuleSet(pack: Pack, spec: string, on: string): { ruleSet: RuleSet; definition: RuleSetDefinition } {
  const [id, version] = spec.split('@') as [string, string | undefined];
  const versions = pack.ruleSets.filter((r) => r.id === id);
  if (versions.length === 0) {
    const ids = [...new Set(pack.ruleSets.map((r) => r.id))];
    throw new DomainError('ELIGIBILITY_UNKNOWN_RULESET', `no rule set "${id}" in ${pack.dir} (there are: ${ids.join(', ')})`, { id, known: ids });
  }
  let chosen: RuleSet | undefined;
  if (version !== undefined) {
    chosen = versions.find((r) => r.version === version);
    if (!chosen) {
      throw new DomainError(
        'ELIGIBILITY_UNKNOWN_RULESET',
        `rule set ${id} has no version "${version}" (versions: ${versions.map((r) => r.version).join(', ')})`,
        { id, version },
      );
    }
  } else {
    assertReferenceDate(on);
    chosen = versions.find((r) => on >= r.effective.from && (r.effective.to === undefined || on <= r.effective.to));
    if (!chosen && versions.length > 1) {
      throw new DomainError(
        'ELIGIBILITY_NOT_IN_EFFECT',
        `no version of rule set ${id} is in effect on ${on}: ${versions.map((r) => `version ${r.version} ${describeEffective(r.effective)}`).join('; ')}`,
        { id, on },
      );
    }
    chosen ??= versions[0];
  }
  assertInEffect(chosen as RuleSet, on);
  const definition = pack.definitions.find((d) => d.id === id && d.version === (chosen as RuleSet).version) as RuleSetDefinition;
  return { ruleSet: chosen as RuleSet, definition };
}

export function describeRuleSet(rs: RuleSet): string {
  return `${rs.id} v${rs.version} — ${rs.title} (${describeEffective(rs.effective)}; ${rs.citation.document}, ${rs.citation.article}) [${basename(rs.file)}]`;
}
