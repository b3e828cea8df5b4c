/**
 * National exercises: a scenario run against the live system in EXERCISE mode — a real EXERCISE plan, approved and
 * issued by two officers, messages marked EXERCISE and sent only through exercise channels to simulators — with
 * injects on a timeline, an observer log, and an after-action report comparing the ledger with the forecast.
 */
export { assertExerciseId, getExercise, listExercises, loadExercise, type ExerciseLogEntry, type ExerciseLogKind, type ExerciseSummary, type StoredExercise } from './store.ts';
export { exerciseAppearance, exerciseOrder, startExercise, type StartOptions, type StartResult } from './start.ts';
export { injectExercise, injectedIndexes, observeExercise, stopExercise, type InjectChoice } from './timeline.ts';
export { FORECAST_OF, LIVE_SERIES, liveOutcome, type LiveOutcome, type LiveSeries } from './live.ts';
export { afterAction, exerciseReport, type AfterActionReport, type CurveComparison, type TimeToComparison, type TimelineItem, type Verdict } from './report.ts';
export { afterActionChart, afterActionHtml, writeAfterAction } from './report-files.ts';
export { exerciseEgovChannel, exerciseSmsChannel, runExerciseDispatch, type ExerciseDispatchOptions, type ExerciseDispatchResult } from './dispatch.ts';
