import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { summonsPaperCommand } from '../src/cli/commands/summons-paper.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { paperSummonses, renderSummonsPdf, verifyUrl, type PaperLang, type PaperSummons } from '../src/modules/paper/index.ts';
import { EXERCISE_MARK } from '../src/modules/sms/index.ts';
import { issuePlan, verifySummonsCode } from '../src/modules/summons/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

// jsqr is CommonJS with a `default` export; Node hands over module.exports, whose `default` is the decoder.
const jsQR = jsQRModule.default;
const clock = fixedClock('2026-11-20T06:30:00Z');
// 02:30 in Kazakhstan is still the previous day in UTC: a date taken in the wrong zone shows on the paper.
const appearanceAt = new Date('2026-12-01T02:30:00+05:00');
const paper = (over: Parameters<typeof officer>[0] = {}) => officer({ mobile: null, mobile_on_egov: false, egov_account: false, ...over });
const nurs = paper({ last_name: 'Әбдіқадыров', first_name: 'Нұрсұлтан', patronymic: 'Қайратұлы', birth_date: '1998-03-05', address: 'Қабанбай батыр даңғылы 11, пәтер 4' });
const aidos = paper({ last_name: 'Серікбаев', first_name: 'Айдос', patronymic: null, address: null });
const withMobile = officer();
const drilled = paper({ specialty: 'radio', last_name: 'Оспанов', first_name: 'Ержан' });

let t: TestDatabase;
let db: Db;
let livePlan = 0;
let drillPlan = 0;
let unissuedPlan = 0;
const actor = { actor: 'officer-c', at: clock.now() };

before(async () => {
  t = await createTestDatabase();
  db = await t.open();
  await addPeople(db, clock, [nurs, aidos, withMobile, drilled]);
  livePlan = await approvedPlan(db, clock, order('paper-live', 3));
  drillPlan = await approvedPlan(db, clock, order('paper-drill', 1, true, 'radio'));
  unissuedPlan = await approvedPlan(db, clock, order('paper-unissued', 1, false, 'radio'));
  for (const [plan, seed] of [[livePlan, 11], [drillPlan, 12]] as const) {
    await issuePlan(db, String(plan), { actor: 'officer-c', clock, appearanceAt, purpose: 'medical_examination', rng: seededRng(seed) });
  }
});
after(async () => {
  await db.close();
  await t.drop();
});

interface ReadPdf {
  pages: number;
  creationDate: string;
  /** The page's text with runs of whitespace (line ends of wrapped text) made one space. */
  text: string;
  qr: string[];
}

/** Reads a PDF back with Mozilla's pdf.js: its text, and every image on page 1 decoded as a QR code by jsQR. */
async function readPdf(bytes: Buffer): Promise<ReadPdf> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isOffscreenCanvasSupported: false, verbosity: 0 }).promise;
  const info = (await doc.getMetadata()).info as { CreationDate?: string };
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((it) => ('str' in it ? `${it.str}${it.hasEOL ? '\n' : ''}` : '')).join(' ').replace(/\s+/g, ' ');
  const ops = await page.getOperatorList();
  const qr: string[] = [];
  for (let i = 0; i < ops.fnArray.length; i++) {
    if (ops.fnArray[i] !== OPS.paintImageXObject) continue;
    const img = await new Promise<{ width: number; height: number; kind: number; data: Uint8ClampedArray }>((resolve) => page.objs.get(ops.argsArray[i][0], resolve));
    qr.push(jsQR(toRgba(img), img.width, img.height)?.data ?? '(no QR code found)');
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, creationDate: info.CreationDate ?? '', text, qr };
}

/** pdf.js hands images over as 1-bit grey, RGB or RGBA (ImageKind 1, 2, 3); jsQR reads RGBA. */
function toRgba({ width, height, kind, data }: { width: number; height: number; kind: number; data: Uint8ClampedArray }): Uint8ClampedArray {
  if (kind === 3) return data;
  const out = new Uint8ClampedArray(width * height * 4);
  const rowBytes = Math.ceil(width / 8);
  for (let p = 0; p < width * height; p++) {
    const [x, y] = [p % width, Math.floor(p / width)];
    const v = kind === 2 ? [data[p * 3], data[p * 3 + 1], data[p * 3 + 2]] : Array(3).fill(((data[y * rowBytes + (x >> 3)] as number) >> (7 - (x & 7))) & 1 ? 255 : 0);
    out.set([...(v as number[]), 255], p * 4);
  }
  return out;
}

const byName = (list: PaperSummons[], lastName: string) => list.find((s) => s.person.lastName === lastName) as PaperSummons;

test('every paper summons of a plan, and only those, loaded with an audit entry of what was read', async () => {
  const list = await paperSummonses(db, { planRef: String(livePlan) }, actor);
  assert.deepEqual(list.map((s) => s.person.lastName).sort(), ['Серікбаев', 'Әбдіқадыров'], 'the person with a mobile gets an SMS, not paper');
  const n = byName(list, 'Әбдіқадыров');
  assert.equal(n.person.birthDate, '1998-03-05');
  assert.equal(n.person.region?.ru, 'Астана');
  assert.equal(n.appearanceAt.getTime(), appearanceAt.getTime());
  assert.equal(n.exercise, false);
  const [audit] = await db.query<{ actor: string; subject: string; details: { summonses: number; ids: string[] } }>(
    "SELECT actor, subject, details FROM audit_log WHERE action = 'summons.paper.read' ORDER BY seq DESC LIMIT 1",
  );
  assert.equal(audit?.actor, 'officer-c');
  assert.equal(audit?.subject, `callup_plan:${livePlan}`);
  assert.deepEqual([...(audit?.details.ids ?? [])].sort(), list.map((s) => s.id).sort());
});

test('the PDF reads back in Kazakh and Russian with the name, birth date, address, Kazakhstan time, purpose and code', async () => {
  const [s] = await paperSummonses(db, { summonsId: byName(await paperSummonses(db, { planRef: String(livePlan) }, actor), 'Әбдіқадыров').id }, actor);
  assert.ok(s);
  const pdf = await readPdf(await renderSummonsPdf(s));
  assert.equal(pdf.pages, 1, 'one sheet, stub included');
  for (const words of [
    'ШАҚЫРУ ҚАҒАЗЫ', 'ПОВЕСТКА', `№ ${s.id}`,
    'Тегі, аты, әкесінің аты / Фамилия, имя, отчество', 'ӘБДІҚАДЫРОВ Нұрсұлтан Қайратұлы',
    'Туған күні / Дата рождения 05.03.1998',
    'Қабанбай батыр даңғылы 11, пәтер 4, Астана',
    'Жергілікті әскери басқару органы / Местный орган военного управления: LMA KZ-71 (Астана)',
    'Келу күні мен уақыты / Дата и время явки 01.12.2026, 02:30 (Қазақстан уақыты бойынша / по времени Казахстана, UTC+5)',
    'Мақсаты / Цель медициналық куәландыру / медицинское освидетельствование',
    'Жіберілген күні / Дата отправки 20.11.2026',
    `Тексеру коды / Код проверки ${s.code}`,
    'Шақыру қағазын алдым / Повестку получил(а)',
    'Шақыру қағазын алудан бас тартты / От получения повестки отказался(-ась)',
    'Алудан бас тартқан адам тиісті түрде хабардар етілген болып саналады.',
    'считается надлежащим образом уведомлённым',
  ]) assert.ok(pdf.text.includes(words), `"${words}" is on the paper:\n${pdf.text}`);
  assert.ok(!pdf.text.includes('EXERCISE') && !pdf.text.includes('ЖАТТЫҒУ'), 'a real summons carries no exercise mark');
  assert.equal(pdf.creationDate, 'D:20261120063000Z', 'the creation date is the issue time, not the print time');
});

test('the QR code decodes to the verification URL, and the code in it verifies as this summons', async () => {
  const list = await paperSummonses(db, { planRef: String(livePlan) }, actor);
  for (const s of list) {
    const { qr } = await readPdf(await renderSummonsPdf(s, { verifyBase: 'https://verify.mobilize.example/' }));
    assert.deepEqual(qr, [`https://verify.mobilize.example/verify/${s.code}`]);
    const url = new URL(qr[0] as string);
    const code = decodeURIComponent(url.pathname.replace(/^\/verify\//, ''));
    const check = await verifySummonsCode(db, code);
    assert.ok(check.genuine, `code ${code} from the QR code verifies`);
    assert.equal(check.appearanceAt, s.appearanceAt.toISOString());
    assert.equal(check.lmaOffice, s.lmaOffice);
    assert.equal(check.exercise, false);
  }
  assert.throws(() => verifyUrl('X', 'mobilize.example'), (e) => isDomainError(e, 'PAPER_BAD_VERIFY_BASE'));
});

test('one language on request: Kazakh only or Russian only', async () => {
  const s = byName(await paperSummonses(db, { planRef: String(livePlan) }, actor), 'Серікбаев');
  const read = async (lang: PaperLang) => (await readPdf(await renderSummonsPdf(s, { lang }))).text;
  const kk = await read('kk');
  const ru = await read('ru');
  assert.ok(kk.includes('ШАҚЫРУ ҚАҒАЗЫ') && kk.includes('медициналық куәландыру') && kk.includes('мекенжайы белгісіз'), kk);
  assert.ok(!kk.includes('ПОВЕСТКА') && !kk.includes('освидетельствование'), 'no Russian on the Kazakh paper');
  assert.ok(ru.includes('ПОВЕСТКА') && ru.includes('медицинское освидетельствование') && ru.includes('адрес неизвестен'), ru);
  assert.ok(!ru.includes('ШАҚЫРУ') && !ru.includes('куәландыру'), 'no Kazakh on the Russian paper');
  for (const text of [kk, ru]) assert.ok(text.includes('СЕРІКБАЕВ Айдос') && text.includes('01.12.2026, 02:30') && text.includes(s.code));
  await assert.rejects(renderSummonsPdf(s, { lang: 'en' as PaperLang }), (e) => isDomainError(e, 'PAPER_BAD_LANG'));
});

test('an exercise summons carries the exercise mark of the SMS gateway, and its QR code verifies as an exercise', async () => {
  const [s] = await paperSummonses(db, { planRef: String(drillPlan) }, actor);
  assert.ok(s?.exercise);
  for (const lang of ['both', 'kk', 'ru'] as const) {
    const pdf = await readPdf(await renderSummonsPdf(s, { lang }));
    const marks = pdf.text.split(EXERCISE_MARK).length - 1;
    assert.ok(marks >= 2, `the mark "${EXERCISE_MARK}" heads the summons and its stub (${lang}), found ${marks}:\n${pdf.text}`);
    assert.equal(pdf.pages, 1);
    const check = await verifySummonsCode(db, decodeURIComponent((pdf.qr[0] ?? '').split('/verify/')[1] ?? ''));
    assert.ok(check.genuine && check.exercise);
  }
});

test('the longest address the registry takes still fits one sheet; text that cannot is refused, not split from its stub', async () => {
  const [s] = await paperSummonses(db, { planRef: String(drillPlan) }, actor);
  assert.ok(s);
  const longest = { ...s, person: { ...s.person, address: 'Қабанбай батыр даңғылы, '.repeat(13).slice(0, 300) } };
  const pdf = await readPdf(await renderSummonsPdf(longest));
  assert.equal(pdf.pages, 1);
  assert.ok(pdf.text.includes('Алудан бас тартқан адам тиісті түрде хабардар етілген болып саналады.'), 'the stub is on the page');
  const absurd = { ...s, person: { ...s.person, address: 'Қабанбай батыр даңғылы, '.repeat(150) } };
  await assert.rejects(renderSummonsPdf(absurd), (e) => isDomainError(e, 'PAPER_DOES_NOT_FIT'));
});

test('the same summons gives the same bytes, whenever it is printed', async () => {
  const [a, b] = await paperSummonses(db, { planRef: String(livePlan) }, actor);
  assert.ok(a && b);
  const first = await renderSummonsPdf(a);
  const other = await renderSummonsPdf(b);
  const again = await renderSummonsPdf((await paperSummonses(db, { summonsId: a.id }, { actor: 'someone-else', at: new Date() }))[0] as PaperSummons);
  assert.ok(first.equals(again), 'reprinted later by someone else: identical file');
  assert.ok(!first.equals(other));
});

test('an unknown summons, one that goes by SMS, or a plan not yet issued gives a clear error and no audit entry', async () => {
  const audits = async () => Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM audit_log WHERE action = 'summons.paper.read'"))[0]?.n);
  const before = await audits();
  await assert.rejects(paperSummonses(db, { summonsId: '999999' }, actor), (e) => isDomainError(e, 'SUMMONS_NOT_FOUND') && /no summons 999999/.test(e.message));
  await assert.rejects(paperSummonses(db, { summonsId: '12; DROP' }, actor), (e) => isDomainError(e, 'SUMMONS_NOT_FOUND') && /not a summons number/.test(e.message));
  const [sms] = await db.query<{ id: string }>('SELECT id::text AS id FROM summonses WHERE iin = $1', [withMobile.iin]);
  await assert.rejects(paperSummonses(db, { summonsId: String(sms?.id) }, actor), (e) => isDomainError(e, 'PAPER_NOT_PAPER_SUMMONS') && /goes by sms/.test(e.message));
  await assert.rejects(paperSummonses(db, { planRef: String(unissuedPlan) }, actor), (e) => isDomainError(e, 'PAPER_PLAN_NOT_ISSUED') && /issue it first/.test(e.message));
  await assert.rejects(paperSummonses(db, { planRef: 'no-such-order' }, actor), (e) => isDomainError(e, 'CALLUP_PLAN_NOT_FOUND'));
  assert.equal(await audits(), before, 'a refused read reads nothing');
});

/**
 * Runs `mobilize summons paper ...` through commander in this process, on the test database, capturing its output.
 * `opensDb: false` for options refused before the command opens the database, which skips a close and reopen.
 */
async function cli(args: string[], { opensDb = true } = {}): Promise<string[]> {
  if (opensDb) await db.close(); // PGlite holds its data directory for one client at a time
  const env: Record<string, string> = { ...t.env, MOBILIZE_ACTOR: 'officer-d' };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    const program = new Command('mobilize').exitOverride();
    summonsPaperCommand(program.command('summons').exitOverride());
    await program.parseAsync(['summons', 'paper', ...args], { from: 'user' });
    return lines;
  } finally {
    console.log = log;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (opensDb) db = await t.open();
  }
}

test('`mobilize summons paper --plan` writes one PDF per paper summons and says what it wrote', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mobilize-paper-')), 'nested', 'out');
  const lines = await cli(['--plan', 'paper-live', '--out', out, '--lang', 'ru']);
  const files = readdirSync(out).sort();
  assert.equal(files.length, 2);
  assert.match(lines.at(-1) ?? '', new RegExp(`^2 paper summonses written to ${out}$`));
  const list = await paperSummonses(db, { planRef: String(livePlan) }, actor);
  for (const s of list) {
    const file = join(out, `summons-${s.id}.pdf`);
    assert.ok(lines.includes(`${file}  ${s.code}`), lines.join('\n'));
    const pdf = await readPdf(readFileSync(file));
    assert.ok(pdf.text.includes('ПОВЕСТКА') && !pdf.text.includes('ШАҚЫРУ') && pdf.text.includes(s.code));
  }
  const [audit] = await db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'summons.paper.read' ORDER BY seq DESC OFFSET 1 LIMIT 1");
  assert.equal(audit?.actor, 'cli:officer-d', 'the CLI read is audited under the person who ran it');
});

test('`mobilize summons paper --summons` prints one exercise summons; bad options are refused before anything is written', async () => {
  const [drill] = await paperSummonses(db, { planRef: String(drillPlan) }, actor);
  const out = mkdtempSync(join(tmpdir(), 'mobilize-paper-'));
  const lines = await cli(['--summons', String(drill?.id), '--out', out]);
  assert.deepEqual(lines, [`${join(out, `summons-${drill?.id}.pdf`)}  ${drill?.code}  [EXERCISE]`, `1 paper summons written to ${out} [EXERCISE]`]);
  const bad: [string[], RegExp][] = [
    [['--summons', '1', '--plan', '1', '--out', out], /either --summons ID or --plan PLAN/],
    [['--out', out], /either --summons ID or --plan PLAN/],
    [['--summons', '1', '--out', out, '--lang', 'en'], /--lang must be one of kk, ru, both, got "en"/],
    [['--summons', '1', '--out', out, '--verify-base', 'ftp://x'], /must be an http\(s\) URL/],
  ];
  for (const [args, message] of bad) await assert.rejects(cli(args, { opensDb: false }), (e) => isDomainError(e) && message.test(e.message));
  const notPaper = join(out, 'refused');
  const [sms] = await db.query<{ id: string }>('SELECT id::text AS id FROM summonses WHERE iin = $1', [withMobile.iin]);
  await assert.rejects(cli(['--summons', String(sms?.id), '--out', notPaper]), (e) => isDomainError(e, 'PAPER_NOT_PAPER_SUMMONS'));
  assert.equal(existsSync(notPaper), false, 'no directory made for a refused summons');
});
