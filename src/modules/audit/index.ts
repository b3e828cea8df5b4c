export { appendAudit, auditRead, verifyAudit, type AuditInput, type VerifyResult } from './audit.ts';
export { canonicalJson, GENESIS_HASH } from './chain.ts';
