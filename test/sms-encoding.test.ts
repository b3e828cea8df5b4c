import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_CODING, ESM_UDH_INDICATOR, encodeSms, formatReceiptText, parseReceipt } from '../src/modules/sms/index.ts';
import { isDomainError } from '../src/kernel/errors.ts';

const udh = (b: Buffer) => [...b.subarray(0, 6)];

test('GSM text: 160 characters in one SMS, 161 in two concatenated parts of 153 + 8', () => {
  const one = encodeSms('a'.repeat(160), 7);
  assert.equal(one.encoding, 'gsm7');
  assert.equal(one.parts.length, 1);
  assert.equal(one.parts[0]?.esmClass, 0);
  assert.equal(one.parts[0]?.dataCoding, DATA_CODING.GSM7);
  const two = encodeSms('a'.repeat(161), 7);
  assert.deepEqual(two.parts.map((p) => p.shortMessage.length - 6), [153, 8]);
  assert.deepEqual(two.parts.map((p) => udh(p.shortMessage)), [[5, 0, 3, 7, 2, 1], [5, 0, 3, 7, 2, 2]]);
  assert.ok(two.parts.every((p) => p.esmClass === ESM_UDH_INDICATOR));
});

test('a GSM extension character costs two septets and is never split from its escape', () => {
  assert.equal(encodeSms('€'.repeat(80), 1).parts.length, 1, '80 × 2 = 160 septets');
  const parts = encodeSms(`${'a'.repeat(152)}€${'b'.repeat(7)}`, 1).parts; // 161 septets: two parts
  assert.deepEqual(parts.map((p) => p.shortMessage.length - 6), [152, 9]);
  assert.deepEqual([...(parts[1] as { shortMessage: Buffer }).shortMessage.subarray(6, 9)], [0x1b, 0x65, 0x62]);
});

test('Cyrillic goes as UCS-2: 70 characters in one SMS, 67 per part beyond', () => {
  const one = encodeSms('ә'.repeat(70), 1);
  assert.equal(one.encoding, 'ucs2');
  assert.equal(one.parts.length, 1);
  assert.equal(one.parts[0]?.dataCoding, DATA_CODING.UCS2);
  assert.deepEqual([...(one.parts[0] as { shortMessage: Buffer }).shortMessage.subarray(0, 2)], [0x04, 0xd9], 'UTF-16 big-endian');
  const text = 'Шақыру қағазы: Алматы қаласы Бостандық ауданының жергілікті әскери басқару органына келуіңіз қажет. '.repeat(4);
  const many = encodeSms(text, 200);
  assert.equal(many.parts.length, Math.ceil(text.length / 67));
  assert.deepEqual(many.parts.map((p) => (p.shortMessage[5] as number)), many.parts.map((_, i) => i + 1));
  assert.ok(many.parts.every((p) => p.shortMessage[3] === 200 && p.shortMessage[4] === many.parts.length));
  const back = many.parts.map((p) => Buffer.from(p.shortMessage.subarray(6)).swap16().toString('utf16le')).join('');
  assert.equal(back, text);
});

test('a surrogate pair is never split across parts', () => {
  const text = `${'я'.repeat(66)}🙂xxx`; // 71 code units; the emoji would straddle the 67-unit boundary
  const parts = encodeSms(text, 1).parts;
  assert.deepEqual(parts.map((p) => (p.shortMessage.length - 6) / 2), [66, 5]);
});

test('empty and over-long texts are refused', () => {
  assert.throws(() => encodeSms('', 1), (e) => isDomainError(e, 'SMS_EMPTY_TEXT'));
  assert.throws(() => encodeSms('ж'.repeat(67 * 255 + 1), 1), (e) => isDomainError(e, 'SMS_TOO_LONG') && /256 SMS parts/.test(e.message));
});

test('receipt text in SMPP Appendix B layout, dated in Kazakhstan time, reads back', () => {
  const text = formatReceiptText({ messageId: 'AB12', status: 'undeliverable', submittedAt: new Date('2026-01-31T18:59:30Z'), doneAt: new Date('2026-01-31T19:00:05Z'), error: '001' });
  assert.equal(text, 'id:AB12 sub:001 dlvrd:000 submit date:260131235930 done date:260201000005 stat:UNDELIV err:001 text:');
  const r = parseReceipt({ text, destination: '77011234567' });
  assert.deepEqual(r, { messageId: 'AB12', status: 'undeliverable', destination: '77011234567', submittedAt: new Date('2026-01-31T18:59:30Z'), doneAt: new Date('2026-01-31T19:00:05Z'), error: '001' });
  assert.equal(parseReceipt({ text: 'id:X1 stat:DELIVRD', destination: '', messageState: 5 })?.status, 'undeliverable', 'the message_state TLV wins over the text');
  assert.equal(parseReceipt({ text: 'hello', destination: '' }), null);
});
