export { EgovClient, type EgovClientOptions, type EgovMessageStatus, type EgovPost, type EgovPosted, type EgovReadStatus } from './client.ts';
export { EgovSimulator, type EgovPostOutcome, type EgovSimMessage, type EgovSimPost, type EgovSimulatorOptions } from './simulator.ts';
export { checkEgovExerciseGate, EGOV_GATE_CODES, EXERCISE_MARK, type EgovChannelConfig, type OutboundEgovMessage } from './exercise-gate.ts';
