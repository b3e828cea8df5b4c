import { LineCounter, isNode, parseDocument } from 'yaml';

/** A problem in a YAML file, at a path like `quotas[2].count` and, where the node is found, its line. */
export interface LineIssue {
  path: string;
  line?: number;
  message: string;
}

export const formatPath = (p: readonly PropertyKey[]): string => p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${String(s)}` : String(s))).join('');

/**
 * Parses YAML (or JSON) text keeping node positions, so schema and semantic problems found on the plain value can be
 * reported with the line of the nearest node on their path. `errors` holds YAML syntax errors; `value` is absent then.
 */
export function parseYamlWithLines(text: string): { errors: LineIssue[]; value?: unknown; issueAt(path: readonly PropertyKey[], message: string): LineIssue } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const issueAt = (path: readonly PropertyKey[], message: string): LineIssue => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return { path: formatPath(path), line: counter.linePos(node.range[0]).line, message };
    }
    return { path: formatPath(path), message };
  };
  if (doc.errors.length) {
    return { errors: doc.errors.map((e) => ({ path: '', line: counter.linePos(e.pos[0]).line, message: `not valid YAML: ${e.message.split('\n')[0]}` })), issueAt };
  }
  return { errors: [], value: doc.toJS(), issueAt };
}
