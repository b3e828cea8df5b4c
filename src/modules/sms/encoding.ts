import { DomainError } from '../../kernel/errors.ts';

/** SMPP data_coding values used here. */
export const DATA_CODING = { GSM7: 0x00, UCS2: 0x08 } as const;
/** esm_class bit saying short_message starts with a user data header. */
export const ESM_UDH_INDICATOR = 0x40;

/** GSM 03.38 default alphabet; the index of a character is its septet. 0x1B is the escape to the extension table. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION: Record<string, number> = { '\f': 0x0a, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40, '€': 0x65 };
const GSM_ESCAPE = 0x1b;

/** Octets of user data per SMS: 160 septets or 140 octets; a concatenation header takes 6 of them. */
const LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 140, part: 134 },
} as const;
export const MAX_PARTS = 255;

export type SmsEncoding = keyof typeof LIMITS;

export interface SmsPart {
  dataCoding: number;
  esmClass: number;
  /** What goes into short_message: the UDH (if any) followed by the encoded text. */
  shortMessage: Buffer;
}

export interface EncodedSms {
  encoding: SmsEncoding;
  parts: SmsPart[];
}

/** Septets for one character, or null when it is outside the GSM alphabet and extension table. */
function gsmSeptets(ch: string): number[] | null {
  if (ch === '\x1B') return null;
  const basic = GSM_BASIC.indexOf(ch);
  if (basic >= 0) return [basic];
  const ext = GSM_EXTENSION[ch];
  return ext === undefined ? null : [GSM_ESCAPE, ext];
}

/**
 * Encodes one character at a time so that no part ever ends in the middle of a GSM escape sequence or a UTF-16
 * surrogate pair (each part must decode on its own on the handset).
 */
function encodeChars(text: string, encoding: SmsEncoding): Buffer[] {
  const chars = [...text];
  if (encoding === 'ucs2') return chars.map((c) => Buffer.from(c, 'utf16le').swap16());
  return chars.map((c) => Buffer.from(gsmSeptets(c) ?? []));
}

/** GSM 7-bit (unpacked, one septet per octet, as SMPP carries it) when every character fits; UCS-2 otherwise. */
export function chooseEncoding(text: string): SmsEncoding {
  return [...text].every((c) => gsmSeptets(c) !== null) ? 'gsm7' : 'ucs2';
}

/**
 * Splits a text into SMPP submit_sm payloads. Too long for one SMS, it becomes a concatenated message: each part
 * starts with the 8-bit-reference concatenation UDH (05 00 03 ref total seq) and has the UDHI bit set in esm_class.
 * Cyrillic (Kazakh and Russian) always goes as UCS-2: 70 characters in one SMS, 67 per part.
 */
export function encodeSms(text: string, reference: number): EncodedSms {
  if (text.length === 0) throw new DomainError('SMS_EMPTY_TEXT', 'an SMS needs some text');
  const encoding = chooseEncoding(text);
  const dataCoding = encoding === 'ucs2' ? DATA_CODING.UCS2 : DATA_CODING.GSM7;
  const chars = encodeChars(text, encoding);
  const limits = LIMITS[encoding];
  const total = chars.reduce((n, c) => n + c.length, 0);
  if (total <= limits.single) return { encoding, parts: [{ dataCoding, esmClass: 0, shortMessage: Buffer.concat(chars) }] };

  const chunks: Buffer[][] = [[]];
  let used = 0;
  for (const c of chars) {
    if (used + c.length > limits.part) {
      chunks.push([]);
      used = 0;
    }
    (chunks[chunks.length - 1] as Buffer[]).push(c);
    used += c.length;
  }
  if (chunks.length > MAX_PARTS) {
    throw new DomainError('SMS_TOO_LONG', `the text needs ${chunks.length} SMS parts; at most ${MAX_PARTS} can be concatenated — shorten it`);
  }
  const ref = reference & 0xff;
  return {
    encoding,
    parts: chunks.map((chunk, i) => ({
      dataCoding,
      esmClass: ESM_UDH_INDICATOR,
      shortMessage: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref, chunks.length, i + 1]), ...chunk]),
    })),
  };
}
