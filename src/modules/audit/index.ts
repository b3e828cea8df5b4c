export { appendAudit, verifyAudit, type AuditInput, type VerifyResult } from './audit.ts';
