import { closeSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { DomainError } from '../../kernel/errors.ts';

/**
 * Bytes to text for the import, checked on the bytes: Node's own decoding would silently turn invalid UTF-8 into
 * U+FFFD, so a Windows-1251 file would import with every name replaced.
 */
export type ImportEncoding = 'utf-8' | 'windows-1251';

const LABELS: Record<string, ImportEncoding> = { 'utf-8': 'utf-8', utf8: 'utf-8', cp1251: 'windows-1251', 'windows-1251': 'windows-1251' };

export function importEncoding(label: string | undefined): ImportEncoding {
  if (label === undefined) return 'utf-8';
  const e = LABELS[label.trim().toLowerCase()];
  if (!e) throw new DomainError('IMPORT_BAD_ENCODING', `Unknown encoding "${label}": use utf-8 (the default) or cp1251 (windows-1251).`, { encoding: label });
  return e;
}

/** A line whose bytes are not valid UTF-8: its number, the file offset of the first bad byte and those bytes. */
export interface BadBytes {
  line: number;
  offset: number;
  bytes: string;
}

export interface Decoded {
  text: string;
  bad: BadBytes[];
}

const NOTHING: Decoded = { text: '', bad: [] };

/**
 * Decodes a byte stream piece by piece, each piece cut after a newline (so no character is split and line numbers
 * are exact); a line longer than maxCarry bytes is cut at a character boundary instead, so memory stays bounded.
 * Valid UTF-8 is checked natively per piece; only a piece that fails is scanned line by line to find the bad bytes.
 */
export class ByteDecoder {
  private carry: Buffer | null = null;
  private line = 1;
  private offset = 0;
  private readonly cp1251: TextDecoder | null;

  constructor(readonly encoding: ImportEncoding, private readonly maxCarry = 1 << 20) {
    this.cp1251 = encoding === 'windows-1251' ? new TextDecoder('windows-1251') : null;
  }

  push(chunk: Buffer): Decoded {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let cut = data.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      if (data.length < this.maxCarry) {
        this.carry = Buffer.from(data);
        return NOTHING;
      }
      cut = this.cp1251 ? data.length : charBoundary(data);
    }
    if (cut < data.length) this.carry = Buffer.from(data.subarray(cut));
    return this.decode(data.subarray(0, cut));
  }

  end(): Decoded {
    const rest = this.carry;
    this.carry = null;
    return rest ? this.decode(rest) : NOTHING;
  }

  private decode(piece: Buffer): Decoded {
    let out: Decoded;
    if (this.cp1251) out = { text: this.cp1251.decode(piece), bad: [] };
    else if (isUtf8(piece)) out = { text: piece.toString('utf8'), bad: [] };
    else out = { text: piece.toString('utf8'), bad: badLines(piece, this.line, this.offset) };
    this.line += countByte(piece, 0x0a);
    this.offset += piece.length;
    return out;
  }
}

function countByte(b: Buffer, byte: number): number {
  let n = 0;
  for (let k = b.indexOf(byte); k !== -1; k = b.indexOf(byte, k + 1)) n++;
  return n;
}

/** The end of the last whole UTF-8 character in b (a sequence cut short at the end is left for the next piece). */
function charBoundary(b: Buffer): number {
  const n = b.length;
  for (let k = 1; k <= Math.min(3, n); k++) {
    const c = b[n - k] as number;
    if ((c & 0xc0) === 0x80) continue;
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return len > k ? n - k : n;
  }
  return n;
}

function badLines(piece: Buffer, firstLine: number, offset: number): BadBytes[] {
  const bad: BadBytes[] = [];
  let line = firstLine;
  for (let from = 0; from < piece.length; line++) {
    const nl = piece.indexOf(0x0a, from);
    const to = nl === -1 ? piece.length : nl;
    const seg = piece.subarray(from, to);
    if (!isUtf8(seg)) {
      const at = firstInvalidUtf8(seg);
      bad.push({ line, offset: offset + from + at, bytes: [...seg.subarray(at, at + 4)].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ') });
    }
    from = to + 1;
  }
  return bad;
}

/** Index of the first byte that does not start a valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  for (let i = 0; i < n; ) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (more < 0 || i + more >= n) return i;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    const d = b[i + 1] as number;
    if (d < lo || d > hi) return i;
    for (let k = 2; k <= more; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

const SNIFF_BYTES = 64 * 1024;

/**
 * Refuses a file that is not UTF-8 before anything is read into the registry. The first 64 KiB decide: if more of
 * its lines with non-ASCII bytes are invalid UTF-8 than valid, the file is taken for another encoding (a UTF-8 file
 * with a few damaged rows gets them reported per row instead). A file given as windows-1251 that is valid UTF-8
 * with non-ASCII text is refused too: reading it as cp1251 would garble every name.
 */
export function checkEncoding(file: string, encoding: ImportEncoding): void {
  const fd = openSync(file, 'r');
  let sample: Buffer;
  let whole: boolean;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    whole = n < SNIFF_BYTES;
    sample = buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  const bom = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf;
  if (!whole) {
    const nl = sample.lastIndexOf(0x0a);
    sample = sample.subarray(0, nl > 0 ? nl : charBoundary(sample));
  }
  let good = 0;
  let bad = 0;
  let firstBad = 0;
  let highBad = 0;
  let letterBad = 0;
  let line = 0;
  for (let from = 0; from < sample.length; ) {
    line++;
    const nl = sample.indexOf(0x0a, from);
    const seg = sample.subarray(from, nl === -1 ? sample.length : nl);
    from = nl === -1 ? sample.length : nl + 1;
    if (!seg.some((c) => c >= 0x80)) continue;
    if (isUtf8(seg)) {
      good++;
      continue;
    }
    bad++;
    firstBad ||= line;
    for (const c of seg) if (c >= 0x80) (highBad++, c >= 0xc0 && letterBad++);
  }
  if (encoding === 'utf-8' && !bom && bad > good) {
    const cyrillic = letterBad >= highBad * 0.6;
    throw new DomainError(
      'IMPORT_NOT_UTF8',
      `${file} is not UTF-8: ${bad} of the first ${line} lines have bytes that are not valid UTF-8 (the first on line ${firstBad})` +
        `${cyrillic ? ', mostly bytes 0xC0–0xFF as Windows-1251 Cyrillic text has' : ''}. ` +
        'If the file is Windows-1251, import it with --encoding cp1251; otherwise convert it to UTF-8. Nothing was imported.',
      { file, line: firstBad, badLines: bad, ...(cyrillic ? { likely: 'windows-1251' } : {}) },
    );
  }
  if (encoding === 'windows-1251' && (bom || (good > 0 && bad === 0))) {
    throw new DomainError(
      'IMPORT_ENCODING_MISMATCH',
      `${file} is valid UTF-8 with non-ASCII text; reading it as Windows-1251 would garble it. Import it without --encoding. Nothing was imported.`,
      { file },
    );
  }
}
