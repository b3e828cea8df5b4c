export {
  SummonsAction,
  SummonsPurpose,
  NumberBasis,
  PaperPlace,
  ValidReason,
  DeliveryStatus,
  EVIDENCE_KINDS,
  type ActionOf,
  type DecisionKind,
  type EvidenceKind,
  type SummonsActionKind,
} from './actions.ts';
export { checkNoticePeriod, assertNoticePeriod, kzCalendarDaysBetween, MIN_NOTICE_DAYS, type DispatchMode, type NoticeCheck } from './notice-period.ts';
export { deriveNotification, type Ground, type NotificationFinding, type NotificationStatus } from './notification.ts';
export { applySummonsAction, reduceSummons, DECISION_ALLOWED_IN, FINAL_STATES, type LegalState, type SummonsState } from './reducer.ts';
export { chainEvidence, recordSummonsAction, verifyEvidenceChain, summonsActions, type EvidenceEntry, type EvidenceVerifyResult } from './ledger.ts';
export { generateVerificationCode, parseVerificationCode, CODE_ALPHABET } from './verification-code.ts';
export { issuePlan, chooseChannels, numberBasis, type IssueOptions, type IssueResult, type SummonsChannel } from './issue.ts';
export { appendLedger, summonsEntries, verifyStoredLedger, type StoredLedgerCheck } from './ledger-store.ts';
export { showSummons, summonsProof, checkLedger, verifySummonsCode, type CodeCheck, type SendRecord, type SummonsRecord } from './queries.ts';
export { summonsSmsText } from './sms-text.ts';
export { summonsEgovMessage, type EgovTextInput } from './egov-text.ts';
export { SMS_PIPELINE, dispatchPending, receiptInbox, startDispatcher, type DispatchCounts, type DispatchGateways, type DispatchOptions, type DispatcherHandle, type DispatcherOptions, type SmsGateway } from './dispatch.ts';
export { dispatchEgov, pollEgovReads, egovIdempotencyKey, type EgovDispatchOptions, type EgovGateway, type ReadPollCounts } from './egov-dispatch.ts';
export { applyReceipts, claimSends, type ClaimedSend, type OutboxChannel } from './outbox.ts';
export { recoverReceipts, UNMATCHED_RECEIPT_MS, type RecoveryCounts, type RecoveryOptions } from './receipt-recovery.ts';
export { recordOfficerAction, parseOfficerAction, failuresToAppear, referDueFailures, lockSummons, appendToSummons, OfficerAction, type ActContext, type DistrictFailures, type FailureFilter, type FailureRow } from './operations.ts';
export { referralList, referralCsv, kzDateTime, REFERRAL_COLUMNS, type Referral } from './referral.ts';
export { requestSignInCode, signIn, citizenOf, mySummonses, mySummonsesBySession, acknowledgeSummons, reportReason, updateMobile, ReasonReport, CODE_ATTEMPTS, CODES_PER_WINDOW, type CodeSender, type CitizenSummons } from './self-service.ts';
export { dispatchStatus, type DispatchStatus } from './status.ts';
export { summonsFunnel, funnelSummonses, summonsStages, FunnelListQuery, type Funnel, type FunnelCounts, type FunnelFilter, type FunnelRow, type FunnelSummons, type SummonsStages } from './funnel.ts';
export { summonsLogs } from './ledger-batch.ts';
export { ensureSummonsState, rebuildSummonsState, type RebuildReport } from './read-model.ts';
