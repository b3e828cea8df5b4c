export { SmppClient, type SmppClientOptions, type SmppClientState, type SubmitResult } from './client.ts';
export { SmscSimulator, type SmscSimulatorOptions, type SimMessage, type SimOutcome, type SimSubmission } from './simulator.ts';
export { encodeSms, chooseEncoding, MAX_PARTS, DATA_CODING, ESM_UDH_INDICATOR, type EncodedSms, type SmsEncoding, type SmsPart } from './encoding.ts';
export { checkExerciseGate, EXERCISE_MARK, type OutboundSms, type SmsChannelConfig } from './exercise-gate.ts';
export { formatReceiptText, parseReceipt, receiptNumber, type DeliveryReceipt, type ReceiptStatus } from './receipt.ts';
