import { mayBeUnsafe, textProblem, visible } from './text-safety.ts';

/**
 * Streaming RFC 4180 CSV reader that reports physical line numbers. Written here rather than taken from a
 * library because the import must run at database COPY speed: csv-parse reached ~45k rows/s on this machine with
 * line info, this reader several times that, and error rows must name their line even after quoted newlines.
 *
 * Limits (memory stays bounded whatever the input): a field holds at most CSV_LIMITS.maxField characters and a
 * record at most CSV_LIMITS.maxRecord. A longer one is reported as an error record with its line and skipped
 * without being buffered (quotes are still followed, so reading resumes at the next record); a quoted field that is
 * never closed runs to the end of the file, and is then reported as the last record. Every field is also checked
 * for refused characters (text-safety.ts); CR and LF inside quoted fields are allowed, as the format allows them.
 */
export const CSV_LIMITS = Object.freeze({ maxField: 65_536, maxRecord: 1_048_576 });
export interface CsvLimits {
  maxField: number;
  maxRecord: number;
}

/** lastLine: the physical line the record ends on. An error may name the field (0-based) and say what is wrong in it. */
export type CsvRecord =
  | { line: number; lastLine: number; fields: string[]; error?: undefined }
  | { line: number; lastLine: number; fields?: undefined; error: string; field?: number; problem?: string; value?: string };

type ErrorRecord = Extract<CsvRecord, { error: string }>;

interface Skip {
  record: Omit<ErrorRecord, 'lastLine'>;
  /** Follow quotes (a record too long) or not (the rest of a line after a syntax error). */
  quotes: boolean;
  inQuotes: boolean;
  /** The input so far ended with a newline (so at the end of input no further line has begun). */
  atLineStart?: boolean;
}

type Quoted = { record: CsvRecord; next: number } | { skip: Omit<Skip, 'record'> & { record: Omit<ErrorRecord, 'lastLine'> }; at: number } | null;

const fmt = (n: number) => n.toLocaleString('en-US');

export class CsvReader {
  private buf = '';
  /** Physical lines wholly consumed. */
  private line = 0;
  private started = false;
  private skip: Skip | null = null;
  private readonly limits: CsvLimits;

  constructor(limits: Partial<CsvLimits> = {}) {
    this.limits = { ...CSV_LIMITS, ...limits };
  }

  /** Records completed by this chunk; a partial record waits for the next chunk. */
  push(chunk: string): CsvRecord[] {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const out: CsvRecord[] = [];
    if (this.skip) {
      chunk = this.skipAhead(chunk, out, false);
      if (this.skip) return out;
    }
    this.buf = this.buf.length ? this.buf + chunk : chunk;
    this.drain(false, out);
    return out;
  }

  /** Records left at the end of input. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.skip) this.skipAhead('', out, true);
    else this.drain(true, out);
    return out;
  }

  private drain(final: boolean, out: CsvRecord[]): void {
    const { maxField, maxRecord } = this.limits;
    let s = this.buf;
    let pos = 0;
    let nextQuote = s.indexOf('"');
    // One native scan of the buffer; clean buffers (nearly all) skip the per-field character check.
    let dirty = mayBeUnsafe(s);
    const skipFrom = (at: number, skip: Skip, newlines: number): boolean => {
      this.line += newlines;
      skip.atLineStart = at > 0 && s.charCodeAt(at - 1) === 10;
      this.skip = skip;
      s = this.skipAhead(s.slice(at), out, final);
      if (this.skip) return false;
      pos = 0;
      nextQuote = s.indexOf('"');
      dirty = mayBeUnsafe(s);
      return true;
    };
    while (pos < s.length) {
      const nl = s.indexOf('\n', pos);
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = s.indexOf('"', pos);
      // A partial last line waits for more input, unless it is already too long: then it is skipped without being
      // kept (a line with quotes goes to quoted(), which enforces the limits as it reads).
      if (nl === -1 && !final && nextQuote === -1) {
        if (s.length - pos > maxRecord) {
          const record = { line: this.line + 1, error: `the record is longer than ${fmt(maxRecord)} characters (the limit for one record)` };
          if (skipFrom(pos, { record, quotes: true, inQuotes: false }, 0)) continue;
          s = '';
          pos = 0;
        }
        break;
      }
      const lineEnd = nl === -1 ? s.length : nl;
      if (nextQuote === -1 || nextQuote >= lineEnd) {
        this.line++;
        const end = lineEnd > pos && s.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
        if (end > pos) {
          const line = this.line;
          if (end - pos > maxRecord) out.push({ line, lastLine: line, error: `the record is longer than ${fmt(maxRecord)} characters (the limit for one record)` });
          else {
            const fields = s.slice(pos, end).split(',');
            out.push(this.checked(line, line, fields, dirty, end - pos > maxField));
          }
        }
        pos = lineEnd + 1;
        continue;
      }
      const r = this.quoted(s, pos, final, dirty);
      if (r === null) break;
      if ('skip' in r) {
        if (skipFrom(r.at, r.skip, countNl(s, pos, r.at))) continue;
        s = '';
        pos = 0;
        break;
      }
      out.push(r.record);
      pos = r.next;
    }
    this.buf = pos >= s.length ? '' : s.slice(pos);
  }

  /** The record, or an error record naming its first field that is too long or holds a refused character. */
  private checked(line: number, lastLine: number, fields: string[], dirty: boolean, mayBeLong: boolean): CsvRecord {
    if (mayBeLong) {
      const k = fields.findIndex((f) => f.length > this.limits.maxField);
      if (k !== -1) return this.fieldError(line, lastLine, k, this.tooLong(), fields[k] as string);
    }
    if (dirty) {
      for (let k = 0; k < fields.length; k++) {
        const p = textProblem(fields[k] as string);
        if (p) return this.fieldError(line, lastLine, k, p, fields[k] as string);
      }
    }
    return { line, lastLine, fields };
  }

  private tooLong(): string {
    return `is longer than ${fmt(this.limits.maxField)} characters (the limit for one field)`;
  }

  private fieldError(line: number, lastLine: number, k: number, problem: string, value: string): ErrorRecord {
    return { line, lastLine, error: `field ${k + 1} ${problem}`, field: k, problem, value: visible(value, 80) };
  }

  /** A record with quoted fields starting at pos; null when it continues past the buffer. */
  private quoted(s: string, pos: number, final: boolean, dirty: boolean): Quoted {
    const { maxField, maxRecord } = this.limits;
    const fields: string[] = [];
    const firstLine = this.line + 1;
    const long = (k: number, at: number, inQuotes: boolean): Quoted => {
      const problem = this.tooLong();
      return { skip: { record: { line: firstLine, error: `field ${k + 1} ${problem}`, field: k, problem }, quotes: true, inQuotes }, at };
    };
    let lines = 1;
    let i = pos;
    let field = '';
    for (;;) {
      if (i < s.length && s.charCodeAt(i) === 34) {
        // quoted field
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q === -1) {
            if (field.length + s.length - i > maxField) return long(fields.length, s.length, true);
            if (!final) return null;
            const trailing = s.charCodeAt(s.length - 1) === 10 ? 1 : 0;
            return this.fail(s, s.length, firstLine, lines + countNl(s, i, s.length) - trailing, 'a quoted field is never closed');
          }
          if (field.length + q - i > maxField) return long(fields.length, q, true);
          lines += countNl(s, i, q);
          field += s.slice(i, q);
          if (s.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
            continue;
          }
          if (q + 1 >= s.length && !final) return null;
          i = q + 1;
          break;
        }
        const c = i < s.length ? s.charCodeAt(i) : 10;
        if (c !== 44 && c !== 10 && c !== 13) {
          return this.fail(s, i, firstLine, lines, 'characters after a closing quote (a field with quotes must be enclosed in quotes, quotes doubled)');
        }
      } else {
        // unquoted field up to , or end of line
        let j = i;
        while (j < s.length) {
          const c = s.charCodeAt(j);
          if (c === 44 || c === 10) break;
          if (c === 34) return this.fail(s, j, firstLine, lines, 'a quote inside an unquoted field (enclose the field in quotes and double the quote)');
          j++;
        }
        if (j - i > maxField) return long(fields.length, j, false);
        if (j >= s.length && !final) return null;
        field = s.slice(i, j);
        if (field.charCodeAt(field.length - 1) === 13 && (j >= s.length || s.charCodeAt(j) === 10)) field = field.slice(0, -1);
        i = j;
      }
      fields.push(field);
      field = '';
      if (i - pos > maxRecord) {
        const record = { line: firstLine, error: `the record is longer than ${fmt(maxRecord)} characters (the limit for one record)` };
        return { skip: { record, quotes: true, inQuotes: false }, at: i };
      }
      const c = i < s.length ? s.charCodeAt(i) : 10;
      // A CR at the end of the buffer may be the first half of a CRLF: wait for what follows.
      if (c === 13 && i + 1 >= s.length && !final) return null;
      if (c === 13 && s.charCodeAt(i + 1) === 10) i++;
      if (c === 44) {
        i++;
        continue;
      }
      if (i >= s.length && !final) return null;
      this.line = firstLine + lines - 1;
      return { record: this.checked(firstLine, this.line, fields, dirty, false), next: i + 1 };
    }
  }

  /**
   * Reports the record as unreadable and resumes after the end of the physical line where the problem is; when
   * that line goes on past the buffer, the rest of it is skipped as it arrives.
   */
  private fail(s: string, at: number, firstLine: number, lines: number, error: string): Quoted {
    const nl = s.indexOf('\n', at);
    this.line = firstLine + lines - 1;
    if (nl === -1 && at < s.length) {
      this.line = firstLine - 1;
      return { skip: { record: { line: firstLine, error }, quotes: false, inQuotes: false }, at };
    }
    return { record: { line: firstLine, lastLine: this.line, error }, next: nl === -1 ? s.length : nl + 1 };
  }

  /** Passes over the rest of a record being skipped; returns what follows it (empty while it goes on). */
  private skipAhead(chunk: string, out: CsvRecord[], final: boolean): string {
    const skip = this.skip as Skip;
    if (chunk.length) skip.atLineStart = chunk.charCodeAt(chunk.length - 1) === 10;
    let i = 0;
    // The next newline, found again only once passed: a field full of "" must not rescan the chunk per quote.
    let nl = -2;
    while (i < chunk.length) {
      if (skip.inQuotes) {
        const q = chunk.indexOf('"', i);
        const to = q === -1 ? chunk.length : q;
        this.line += countNl(chunk, i, to);
        if (q === -1) break;
        skip.inQuotes = false;
        i = q + 1;
        continue;
      }
      if (nl !== -1 && nl < i) nl = chunk.indexOf('\n', i);
      const q = skip.quotes ? chunk.indexOf('"', i) : -1;
      if (nl !== -1 && (q === -1 || nl < q)) {
        this.line++;
        out.push({ ...skip.record, lastLine: this.line } as ErrorRecord);
        this.skip = null;
        return chunk.slice(nl + 1);
      }
      if (q === -1) break;
      skip.inQuotes = true;
      i = q + 1;
    }
    if (final) {
      if (!skip.atLineStart) this.line++;
      const record = { ...skip.record, lastLine: this.line } as ErrorRecord;
      if (skip.inQuotes) {
        const tail = `; a quoted field is never closed, so lines ${record.line}–${this.line} (the rest of the file) could not be read`;
        record.error += tail;
        if (record.problem) record.problem += tail;
      }
      out.push(record);
      this.skip = null;
    }
    return '';
  }
}

/** Newlines in s[from, to). A loop over the range itself: indexOf would scan past `to`, quadratic over many quotes. */
function countNl(s: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (s.charCodeAt(k) === 10) n++;
  return n;
}
