import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XmlDocument, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import { DomainError } from '../../kernel/errors.ts';

/** The OASIS CAP 1.2 schema, unmodified (standards/README.md). */
export const CAP_XSD = fileURLToPath(new URL('../../../standards/CAP-v1.2.xsd', import.meta.url));

let validator: XsdValidator | undefined;

function capValidator(): XsdValidator {
  if (!validator) {
    // libxml2 compiled to WebAssembly (libxml2-wasm): the same checker as xmllint, with nothing to install beside npm.
    const xsd = XmlDocument.fromString(readFileSync(CAP_XSD, 'utf8'));
    try {
      validator = XsdValidator.fromDoc(xsd);
    } finally {
      xsd.dispose();
    }
  }
  return validator;
}

export interface CapValidation {
  valid: boolean;
  errors: string[];
}

/** Validates a document against the CAP 1.2 schema; never throws for an invalid or malformed document. */
export function validateCap(xml: string): CapValidation {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (e) {
    return { valid: false, errors: [`not well-formed XML: ${(e as Error).message.trim()}`] };
  }
  try {
    capValidator().validate(doc);
    return { valid: true, errors: [] };
  } catch (e) {
    if (e instanceof XmlValidateError) return { valid: false, errors: e.details.map((d) => `line ${d.line}: ${d.message.trim()}`) };
    throw e;
  } finally {
    doc.dispose();
  }
}

/** Refuses to let a document that the schema rejects leave the system (a bug in the builder, never user input). */
export function assertValidCap(xml: string, what: string): void {
  const r = validateCap(xml);
  if (!r.valid) throw new DomainError('ALERT_CAP_INVALID', `${what} is not valid CAP 1.2: ${r.errors.join('; ')}`, { errors: r.errors });
}
