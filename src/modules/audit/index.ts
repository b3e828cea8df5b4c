export { appendAudit, auditRead, verifyAudit, type AuditInput, type VerifyResult } from './audit.ts';
export { ChainWalker, canonicalJson, GENESIS_HASH, type ChainProblem, type ChainReport } from './chain.ts';
