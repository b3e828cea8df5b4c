import { XMLParser } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';
import { regionArea } from './area.ts';
import { capTime } from './cap-time.ts';
import { CAP_LANGUAGE, langsOf, type AlertContent, type CapStatus } from './content.ts';

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
/** The originator written into <sender>; one per deployment. */
export const DEFAULT_CAP_SENDER = 'alerts.nmcca.gov.kz';
export const SENDER_NAME: Record<'kk' | 'ru' | 'en', string> = {
  kk: 'Ұлттық мобилизация және дағдарыстарды үйлестіру агенттігі',
  ru: 'Национальное агентство по мобилизации и координации в кризисных ситуациях',
  en: 'National Mobilization and Crisis Coordination Agency',
};

type XMLBuilder = ReturnType<typeof create>;

export type MsgType = 'Alert' | 'Update' | 'Cancel';

/** A message earlier in the same alert, as CAP's <references> names it. */
export interface CapRef {
  sender: string;
  identifier: string;
  sent: string;
}

export interface CapMessage {
  identifier: string;
  sender: string;
  /** Already a CAP dateTime (capTime). */
  sent: string;
  status: CapStatus;
  msgType: MsgType;
  note?: string;
  references: readonly CapRef[];
  /** The incident the messages of one alert share. */
  incident: string;
  content: AlertContent;
}

/** An identifier as CAP allows it: no spaces, commas, "<" or "&". */
export function capIdentifier(sender: string, alertId: string, n: number): string {
  return `${sender}.${alertId}.${n}`.replace(/[\s,<&]/g, '_');
}

/**
 * The CAP 1.2 document of one message, built with xmlbuilder2 in the schema's element order: one <info> per
 * language (Kazakh, Russian, then English if given), each with one <area> per target region. The XML is validated
 * against the OASIS schema before it is ever stored or served (validate.ts).
 */
export function buildCap(m: CapMessage): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const alert = doc.ele(CAP_NS, 'alert');
  const el = (parent: XMLBuilder, name: string, value: string) => parent.ele(name).txt(value).up();
  el(alert, 'identifier', m.identifier);
  el(alert, 'sender', m.sender);
  el(alert, 'sent', m.sent);
  el(alert, 'status', m.status);
  el(alert, 'msgType', m.msgType);
  el(alert, 'scope', 'Public');
  if (m.note) el(alert, 'note', m.note);
  if (m.references.length > 0) el(alert, 'references', m.references.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' '));
  el(alert, 'incidents', m.incident);
  const c = m.content;
  const areas = c.regions.map(regionArea);
  for (const lang of langsOf(c.info)) {
    const words = c.info[lang];
    if (!words) continue;
    const info = alert.ele('info');
    el(info, 'language', CAP_LANGUAGE[lang]);
    for (const cat of c.category) el(info, 'category', cat);
    el(info, 'event', words.event);
    for (const r of c.responseType) el(info, 'responseType', r);
    el(info, 'urgency', c.urgency);
    el(info, 'severity', c.severity);
    el(info, 'certainty', c.certainty);
    if (c.onset) el(info, 'onset', capTime(new Date(c.onset)));
    if (c.expires) el(info, 'expires', capTime(new Date(c.expires)));
    el(info, 'senderName', SENDER_NAME[lang]);
    el(info, 'headline', words.headline);
    el(info, 'description', words.description);
    if (words.instruction) el(info, 'instruction', words.instruction);
    if (c.web) el(info, 'web', c.web);
    if (c.contact) el(info, 'contact', c.contact);
    for (const a of areas) {
      const area = info.ele('area');
      el(area, 'areaDesc', a.areaDesc[lang]);
      for (const p of a.polygons) el(area, 'polygon', p);
      for (const g of a.geocodes) area.ele('geocode').ele('valueName').txt(g.valueName).up().ele('value').txt(g.value);
    }
  }
  return doc.end({ prettyPrint: true });
}

/** A CAP document read back with fast-xml-parser: repeated elements always as arrays, text as strings. */
export interface ParsedCap {
  identifier: string;
  sender: string;
  sent: string;
  status: string;
  msgType: string;
  scope: string;
  note?: string;
  references?: string;
  incidents?: string;
  info: {
    language: string;
    category: string[];
    event: string;
    responseType: string[];
    urgency: string;
    severity: string;
    certainty: string;
    onset?: string;
    expires?: string;
    headline?: string;
    description?: string;
    instruction?: string;
    area: { areaDesc: string; polygon: string[]; geocode: { valueName: string; value: string }[] }[];
  }[];
}

const ARRAYS = new Set(['alert.info', 'alert.info.category', 'alert.info.responseType', 'alert.info.area', 'alert.info.area.polygon', 'alert.info.area.geocode']);
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: true, removeNSPrefix: true, jPath: true, isArray: (_n, path) => typeof path === 'string' && ARRAYS.has(path) });

export function parseCap(xml: string): ParsedCap {
  const doc = parser.parse(xml) as { alert?: ParsedCap };
  if (!doc.alert) throw new Error('not a CAP document: no <alert> element');
  return { ...doc.alert, info: doc.alert.info ?? [] };
}
