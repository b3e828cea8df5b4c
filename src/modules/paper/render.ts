import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create } from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { DomainError } from '../../kernel/errors.ts';
import { EXERCISE_MARK } from '../sms/index.ts';
import { PaperPlace, type SummonsPurpose } from '../summons/index.ts';
import { appearanceText, dmy, paragraphs, PAPER_LANGS, PURPOSE, say, W, type Bilingual, type PaperLang } from './wording.ts';

/** What the paper shows of one summons and its person (loaded by paperSummonses). */
export interface PaperSummons {
  id: string;
  planId: number;
  code: string;
  exercise: boolean;
  purpose: SummonsPurpose;
  lmaOffice: string;
  /** The region of the LMA office, in both languages, from the reference regions. */
  lmaRegion: Bilingual | null;
  appearanceAt: Date;
  /** When the summons was issued; printed as the date sent, and the PDF's creation date. */
  issuedAt: Date;
  person: {
    lastName: string;
    firstName: string;
    patronymic: string | null;
    /** YYYY-MM-DD */
    birthDate: string;
    address: string | null;
    district: string | null;
    region: Bilingual | null;
  };
}

export interface RenderOptions {
  lang?: PaperLang;
  /** Where the QR code points: `${verifyBase}/verify/${code}`. */
  verifyBase?: string;
}

export const DEFAULT_VERIFY_BASE = 'https://mobilize.example';

/** Throws PAPER_BAD_VERIFY_BASE unless the base is an http(s) URL; the CLI checks it before reading anything. */
export function assertVerifyBase(base: string): void {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new DomainError('PAPER_BAD_VERIFY_BASE', `the verification base "${base}" is not a URL; give one like ${DEFAULT_VERIFY_BASE}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DomainError('PAPER_BAD_VERIFY_BASE', `the verification base "${base}" must be an http(s) URL, a phone opens nothing else`);
  }
}

/**
 * The QR payload: a plain https URL, so any phone camera opens the check without an app, and the code is in the
 * path in its printed form, so the page (or `mobilize summons verify CODE`) checks exactly what is printed.
 */
export function verifyUrl(code: string, base = DEFAULT_VERIFY_BASE): string {
  assertVerifyBase(base);
  return `${base.replace(/\/+$/, '')}/verify/${encodeURIComponent(code)}`;
}

// DejaVu covers the Kazakh Cyrillic letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) that the PDF standard fonts lack. The files are read
// once, but each document parses its own fontkit font: a font shared between documents loses the code points of
// glyphs cached while the previous subset was written, and the next PDF's text layer (search, copy, screen
// readers) reads "EXERCSE" where the page shows "EXERCISE".
const require = createRequire(import.meta.url);
export const KAZAKH_LETTERS = 'ӘҒҚҢӨҰҮҺІәғқңөұүһі';
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function readFont(file: string): Buffer {
  const bytes = readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
  const font = create(bytes);
  const missing = 'hasGlyphForCodePoint' in font ? [...KAZAKH_LETTERS].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0) as number)) : ['(a font collection)'];
  if (missing.length) throw new Error(`${file} lacks the Kazakh letters ${missing.join(' ')}`);
  return bytes;
}
export function paperFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= { regular: readFont('DejaVuSans.ttf'), bold: readFont('DejaVuSans-Bold.ttf') };
  return fonts;
}

const LEFT = 50;
const WIDTH = 495;
const GAP = 14;
const QR_SIZE = 104;
const GREY = '#555555';
/** The cut line sits at the same height on every summons that fits, so a batch can be cut or folded in one go. */
const STUB_TOP = 530;

type Doc = InstanceType<typeof PDFDocument>;
type Cell = { label: Bilingual; value: string; share: number };

function fullName(p: PaperSummons['person']): string {
  return [p.lastName.toUpperCase(), p.firstName, p.patronymic].filter((x): x is string => !!x).join(' ');
}

function regionName(r: Bilingual | null, lang: PaperLang): string | null {
  if (!r) return null;
  return r.kk === r.ru ? r.kk : say(r, lang);
}

function addressText(s: PaperSummons, lang: PaperLang): string {
  const p = s.person;
  const parts = [p.address ?? `(${say(W.addressUnknown, lang)})`, p.district, regionName(p.region, lang)];
  return parts.filter((x): x is string => !!x).join(', ');
}

function issuerText(s: PaperSummons, lang: PaperLang): string {
  const region = regionName(s.lmaRegion, lang);
  return `${say(W.lma, lang)}: ${s.lmaOffice}${region ? ` (${region})` : ''}`;
}

/** A row of labelled values side by side, each `share` of the width; the row is as tall as its tallest cell. */
function row(doc: Doc, lang: PaperLang, cells: Cell[], width = WIDTH): void {
  const y0 = doc.y;
  let x = LEFT;
  let bottom = y0;
  const usable = width - GAP * (cells.length - 1);
  for (const c of cells) {
    const w = usable * c.share;
    doc.font('regular').fontSize(7).fillColor(GREY).text(say(c.label, lang), x, y0, { width: w });
    doc.font('bold').fontSize(10.5).fillColor('black').text(c.value, x, doc.y + 1, { width: w });
    bottom = Math.max(bottom, doc.y);
    x += w + GAP;
  }
  doc.x = LEFT;
  doc.y = bottom + 6;
}

function exerciseBanner(doc: Doc, y: number): number {
  doc.rect(LEFT, y, WIDTH, 20).fill('black');
  doc.font('bold').fontSize(12).fillColor('white').text(EXERCISE_MARK, LEFT, y + 4, { width: WIDTH, align: 'center', lineBreak: false });
  doc.fillColor('black');
  return y + 26;
}

function watermark(doc: Doc): void {
  doc.save();
  doc.rotate(-45, { origin: [297, 421] });
  doc.font('bold').fontSize(40).fillColor('#e6e6e6').text(EXERCISE_MARK, 0, 400, { width: 595, align: 'center', lineBreak: false });
  doc.restore();
  doc.fillColor('black');
}

/** A row of blank lines to write on by hand, each with what goes on it printed small underneath. */
function blanks(doc: Doc, y: number, hints: { hint: string; share: number }[]): number {
  const usable = WIDTH - GAP * (hints.length - 1);
  let x = LEFT;
  const lineY = y + 24;
  for (const h of hints) {
    const w = usable * h.share;
    doc.moveTo(x, lineY).lineTo(x + w, lineY).lineWidth(0.6).strokeColor('black').stroke();
    doc.font('regular').fontSize(6.5).fillColor(GREY).text(h.hint, x, lineY + 2, { width: w, align: 'center', lineBreak: false });
    x += w + GAP;
  }
  doc.fillColor('black');
  return lineY + 18;
}

/** The tear-off stub that comes back to the LMA: signature of receipt, or the note of a refusal. */
function stub(doc: Doc, s: PaperSummons, lang: PaperLang): void {
  let y = Math.max(doc.y + 10, STUB_TOP);
  doc.save().dash(4, { space: 3 }).moveTo(LEFT - 20, y).lineTo(LEFT + WIDTH + 20, y).lineWidth(0.5).stroke().undash().restore();
  doc.font('regular').fontSize(6.5).fillColor(GREY).text(say(W.cut, lang), LEFT, y + 2, { width: WIDTH, align: 'center', lineBreak: false });
  y += 13;
  if (s.exercise) y = exerciseBanner(doc, y);
  doc.font('bold').fontSize(10).fillColor('black').text(`${say(W.stub, lang)} № ${s.id}`, LEFT, y, { width: WIDTH });
  doc.font('regular').fontSize(7).fillColor(GREY).text(say(W.stubNote, lang), LEFT, doc.y, { width: WIDTH });
  doc.font('regular').fontSize(9).fillColor('black').text(`${fullName(s.person)}, ${dmy(s.person.birthDate)}; ${say(W.code, lang)}: ${s.code}`, LEFT, doc.y + 2, { width: WIDTH });

  const dateTime = `${say(W.date, lang)}, ${say(W.time, lang)}`;
  doc.font('bold').fontSize(8.5).text(`${say(W.received, lang)}:`, LEFT, doc.y + 6, { width: WIDTH });
  y = blanks(doc, doc.y, [{ hint: say(W.signature, lang), share: 0.3 }, { hint: dateTime, share: 0.3 }, { hint: say(W.deliverer, lang), share: 0.4 }]);

  doc.font('regular').fontSize(8).fillColor('black').text(`${say(W.deliveredAt, lang)}:`, LEFT, y + 2, { width: WIDTH });
  const boxY = doc.y + 3;
  let bottom = boxY;
  PaperPlace.options.forEach((place, i) => {
    const x = LEFT + (WIDTH / 4) * i;
    doc.rect(x, boxY, 8, 8).lineWidth(0.6).stroke();
    doc.font('regular').fontSize(7.5).text(say(W.places[place], lang), x + 12, boxY, { width: WIDTH / 4 - 16 });
    bottom = Math.max(bottom, doc.y);
  });

  doc.font('bold').fontSize(8.5).text(`${say(W.refused, lang)}:`, LEFT, bottom + 8, { width: WIDTH });
  y = blanks(doc, doc.y, [{ hint: say(W.deliverer, lang), share: 0.65 }, { hint: dateTime, share: 0.35 }]);
  doc.font('bold').fontSize(7.5).fillColor('black').text(say(W.refusalNote, lang), LEFT, y + 2, { width: WIDTH });
}

/**
 * The paper summons as a one-page A4 PDF: the fields the law requires, the verification code and its QR code, and
 * a tear-off stub for the signature of receipt or the note of a refusal. Exercise summonses carry the exercise mark
 * of the SMS gateway on a banner at the top, on the stub and as a watermark, so no part passes for a real one.
 * The same summons always gives the same bytes: the creation date (and so pdfkit's file id) is the issue time.
 */
export async function renderSummonsPdf(s: PaperSummons, opts: RenderOptions = {}): Promise<Buffer> {
  const lang = opts.lang ?? 'both';
  if (!PAPER_LANGS.includes(lang)) throw new DomainError('PAPER_BAD_LANG', `language must be one of ${PAPER_LANGS.join(', ')}, got "${String(lang)}"`);
  const url = verifyUrl(s.code, opts.verifyBase);
  // 6 px a module and no smoothing in the PDF: sharp edges at the printed size of ~1.1 mm a module.
  const qr = await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 6 });
  const f = paperFonts();

  const doc = new PDFDocument({
    size: 'A4',
    // No bottom margin to speak of: the layout is measured to fit one page, and pdfkit would otherwise start a
    // second page for a line that runs a little low instead of printing it.
    margins: { top: 34, bottom: 10, left: LEFT, right: LEFT },
    info: {
      Title: `${say(W.title, lang)} № ${s.id}${s.exercise ? ` — ${EXERCISE_MARK}` : ''}`,
      Author: s.lmaOffice,
      Subject: s.code,
      Creator: 'Mobilize',
      Producer: 'Mobilize (PDFKit)',
      CreationDate: s.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // Measured: a 400-character address (the registry allows 300) still fits; should something not, pdfkit would
  // quietly start a second page and split the stub from its summons, so that is refused instead.
  doc.on('pageAdded', () => {
    throw new DomainError('PAPER_DOES_NOT_FIT', `summons ${s.id} does not fit on one page; shorten the address or names on file, or print one language with --lang`, { summonsId: s.id });
  });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);

  if (s.exercise) watermark(doc);
  const top = s.exercise ? exerciseBanner(doc, 34) : 34;
  const headWidth = WIDTH - QR_SIZE - GAP;
  const qrX = LEFT + WIDTH - QR_SIZE;
  doc.image(qr, qrX, top, { width: QR_SIZE, height: QR_SIZE });
  doc.font('bold').fontSize(10).fillColor('black').text(s.code, qrX, top + QR_SIZE + 1, { width: QR_SIZE, align: 'center' });

  doc.font('regular').fontSize(9).fillColor(GREY).text(say(W.country, lang), LEFT, top + 4, { width: headWidth, align: 'center' });
  doc.font('bold').fontSize(19).fillColor('black');
  for (const t of paragraphs(W.title, lang)) doc.text(t, LEFT, doc.y + 3, { width: headWidth, align: 'center' });
  doc.font('regular').fontSize(11).text(`№ ${s.id}`, LEFT, doc.y + 3, { width: headWidth, align: 'center' });
  doc.y = Math.max(doc.y + 8, top + QR_SIZE + 18);

  row(doc, lang, [{ label: W.fullName, value: fullName(s.person), share: 1 }]);
  row(doc, lang, [
    { label: W.birthDate, value: dmy(s.person.birthDate), share: 1 / 3 },
    { label: W.sent, value: dmy(s.issuedAt), share: 1 / 3 },
    { label: W.code, value: s.code, share: 1 / 3 },
  ]);
  row(doc, lang, [{ label: W.address, value: addressText(s, lang), share: 1 }]);
  row(doc, lang, [{ label: W.issuer, value: issuerText(s, lang), share: 1 }]);
  row(doc, lang, [
    { label: W.appearance, value: appearanceText(s.appearanceAt, lang), share: 0.62 },
    { label: W.place, value: s.lmaOffice, share: 0.38 },
  ]);
  row(doc, lang, [{ label: W.purpose, value: say(PURPOSE[s.purpose], lang), share: 1 }]);

  doc.y += 2;
  for (const p of paragraphs(W.instructions, lang)) doc.font('regular').fontSize(8).fillColor('black').text(p, LEFT, doc.y, { width: WIDTH }).moveDown(0.25);
  doc.font('regular').fontSize(8).text(paragraphs(W.verify, lang).join(' '), LEFT, doc.y, { width: WIDTH });
  doc.font('bold').fontSize(9).text(url, LEFT, doc.y + 1, { width: WIDTH });

  stub(doc, s, lang);
  doc.end();
  return done;
}
