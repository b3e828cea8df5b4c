import { create } from 'xmlbuilder2';
import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { DEFAULT_CAP_SENDER, parseCap } from './cap.ts';
import { capTime } from './cap-time.ts';
import { CAP_LANGUAGE, type AlertLang, type CapStatus } from './content.ts';
import { statementsOf } from './queries.ts';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** How long a cancellation or all-clear stays in the feed, so that aggregators holding the alert learn of it. */
export const ENDED_KEPT_MS = 24 * 3600_000;
const STATEMENTS_KEPT_MS = 7 * 24 * 3600_000;

const TITLE: Record<AlertLang, string> = {
  kk: 'Халықты құлақтандыру — ағымдағы хабарламалар',
  ru: 'Оповещение населения — текущие сообщения',
  en: 'Public alerts — current messages',
};
const STATEMENT: Record<AlertLang, string> = { kk: 'Ресми мәлімдеме', ru: 'Официальное заявление', en: 'Official statement' };

/**
 * The public base the feed's links are written with, from configuration (`--public-url`, MOBILIZE_PUBLIC_URL): an
 * http(s) origin with an optional path prefix (behind a proxy), no query or fragment; no trailing slash. The feed is
 * publicly cached, so a base taken from a request's Host header would hand every reader the links one forged request
 * asked for.
 */
export function publicBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DomainError('CONFIG_INVALID_PUBLIC_URL', `the public URL "${value}" is not an absolute URL; give one such as https://alerts.example.kz`, { value });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.search || url.hash || url.username || url.password) {
    throw new DomainError('CONFIG_INVALID_PUBLIC_URL', `the public URL "${value}" must be http(s)://host[:port][/prefix], with no query, fragment or credentials`, { value });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export interface FeedOptions {
  /** Absolute origin the links are written with, e.g. https://alerts.example.kz */
  base: string;
  lang: AlertLang;
  status: CapStatus;
  now: Date;
  sender?: string;
}

/**
 * The Atom feed of current alerts (RFC 4287, the form CAP aggregators poll): for each alert of the given status
 * its latest message while it is in force (not expired), or for ENDED_KEPT_MS after a cancellation or all-clear;
 * each entry links its CAP XML (type application/cap+xml) and is written from that stored XML, read back with
 * fast-xml-parser, so the feed says exactly what went out. Official statements of the last week follow, each
 * linked to its alert. Exercise and test alerts are in feeds of their own (status=Exercise|Test), never mixed in.
 */
export async function alertsFeed(db: Db, o: FeedOptions): Promise<string> {
  const rows = await db.query<{ alert_id: string; n: number; kind: string; sent: Date; xml: string }>(
    `SELECT DISTINCT ON (m.alert_id) m.alert_id::text AS alert_id, m.n, m.kind, m.sent, m.xml
       FROM alert_messages m JOIN alerts a ON a.id = m.alert_id
      WHERE a.status = $1 ORDER BY m.alert_id, m.n DESC`,
    [o.status],
  );
  const now = o.now.getTime();
  const current = rows.filter((r) => {
    if (r.kind === 'cancel' || r.kind === 'all_clear') return now - new Date(r.sent).getTime() < ENDED_KEPT_MS;
    const expires = parseCap(r.xml).info[0]?.expires;
    return !expires || Date.parse(expires) > now;
  }).sort((a, b) => new Date(b.sent).getTime() - new Date(a.sent).getTime());
  const statements = (await statementsOf(db, rows.map((r) => r.alert_id))).filter((s) => now - Date.parse(s.issuedAt) < STATEMENTS_KEPT_MS).reverse();

  const sender = o.sender ?? DEFAULT_CAP_SENDER;
  const updated = [...current.map((r) => new Date(r.sent)), ...statements.map((s) => new Date(s.issuedAt))].sort((a, b) => b.getTime() - a.getTime())[0] ?? o.now;
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const feed = doc.ele(ATOM_NS, 'feed').att('xml:lang', CAP_LANGUAGE[o.lang]);
  const self = `${o.base}/api/alerts/feed.atom?lang=${o.lang}&status=${o.status}`;
  feed.ele('id').txt(`tag:${sender},2026:feed:${o.status}`).up()
    .ele('title').txt(`${TITLE[o.lang]}${o.status === 'Actual' ? '' : ` (${o.status.toUpperCase()})`}`).up()
    .ele('updated').txt(capTime(updated)).up()
    .ele('author').ele('name').txt(sender).up().up()
    .ele('link').att('rel', 'self').att('href', self).up();
  for (const r of current) {
    const cap = parseCap(r.xml);
    const info = cap.info.find((i) => i.language === CAP_LANGUAGE[o.lang]) ?? cap.info[0];
    const entry = feed.ele('entry');
    entry.ele('id').txt(`tag:${sender},2026:${cap.identifier}`).up()
      .ele('title').txt(`${o.status === 'Actual' ? '' : `[${o.status.toUpperCase()}] `}${info?.headline ?? info?.event ?? cap.identifier}`).up()
      .ele('updated').txt(cap.sent).up()
      .ele('summary').txt(info?.description ?? '').up()
      .ele('link').att('rel', 'alternate').att('type', 'application/cap+xml').att('href', `${o.base}/api/alerts/${r.alert_id}/cap/${r.n}`).up();
    for (const term of [`msgType:${cap.msgType}`, `severity:${info?.severity}`, `urgency:${info?.urgency}`, `certainty:${info?.certainty}`]) entry.ele('category').att('term', term).up();
    for (const area of info?.area ?? []) entry.ele('category').att('term', `area:${area.geocode.find((g) => g.valueName === 'ISO3166-2')?.value ?? area.areaDesc}`).att('label', area.areaDesc).up();
  }
  for (const s of statements) {
    const w = s.words[o.lang] ?? s.words.ru;
    feed.ele('entry')
      .ele('id').txt(`tag:${sender},2026:statement:${s.id}`).up()
      .ele('title').txt(`${STATEMENT[o.lang]}: ${w?.title ?? ''}`).up()
      .ele('updated').txt(capTime(new Date(s.issuedAt))).up()
      .ele('summary').txt(w?.text ?? '').up()
      .ele('category').att('term', 'statement').up()
      .ele('link').att('rel', 'related').att('type', 'application/cap+xml').att('href', `${o.base}/api/alerts/${s.alertId}/cap`).up();
  }
  return doc.end({ prettyPrint: true });
}
