/** Public alerts: CAP 1.2 composed, approved by a second person, published, distributed by SMS and cell broadcast. */
export { ALERT_LANGS, AlertContent, CapStatus, Category, Certainty, FollowUp, FollowUpText, InfoByLang, LangInfo, NewAlert, RegionCode, ResponseType, Severity, Urgency, type AlertLang } from './content.ts';
export { capTime, parseCapTime } from './cap-time.ts';
export { MAX_POLYGON_POINTS, capPolygon, regionArea, regionShapes, type CapArea, type RegionShape } from './area.ts';
export { CAP_NS, DEFAULT_CAP_SENDER, buildCap, capIdentifier, parseCap, type CapMessage, type CapRef, type MsgType, type ParsedCap } from './cap.ts';
export { CAP_XSD, assertValidCap, validateCap, type CapValidation } from './validate.ts';
export { AlertAction, DRAFT_ALLOWED_IN, MSG_TYPE, MessageKind, SECOND_PERSON_REQUIRED, STAGE_TRANSITIONS, applyAlertAction, currentContent, followUpContent, reduceAlert, type AlertPhase, type AlertState, type PendingMessage, type PublishedMessage, type Stage } from './workflow.ts';
export { approveAlert, composeAlert, discardAlert, draftMessage, inScope, loadAlert, readAlert, regionsOf, type AlertContext, type AlertScope, type StoredAlert } from './store.ts';
export { publishAlert, type PublishResult } from './publish.ts';
export { ALERT_LIST_LIMIT, NewStatement, issueStatement, listAlerts, previewCap, publishedCap, showAlert, statementsOf, type AlertDetail, type AlertSummary, type Distribution, type Statement } from './queries.ts';
export { ALERT_SMS_MAX_PARTS, SimulatedCellBroadcast, alertSmsText, checkBroadcastGate, isExerciseTraffic, type CellBroadcast, type CellBroadcastMessage } from './distribution.ts';
export { ALERT_RETRY_LIMIT, DEFAULT_UNCONFIRMED_HOLD_MS, RECORD_CHUNK, dispatchAlerts, type AlertChannel, type AlertDispatchCounts, type AlertDispatchOptions, type AlertGateways, type AlertSmsGateway } from './dispatch.ts';
export { startAlertDispatcher, type AlertDispatcherHandle, type AlertDispatcherOptions } from './dispatcher.ts';
export { DEFAULT_RECEIPT_EXPIRY, RECEIPT_BATCH, applyAlertReceipt, storeAlertReceipts, sweepAlertReceipts, unmatchedAlertReceipts, type ReceiptCounts, type ReceiptExpiry } from './receipts.ts';
export { ATOM_NS, ENDED_KEPT_MS, alertsFeed, publicBaseUrl, type FeedOptions } from './feed.ts';
export { checkAlertContent, checkAlertUrl } from './content-check.ts';
