/**
 * Mobilization simulation: scenarios as files, a pure discrete-time engine over struct-of-arrays populations
 * (seeded, listed, or a plan of the live registry) that reuses the summons module's legal rules and the call-up
 * module's planner, Monte Carlo over worker threads, and reports as JSON, CSV, SVG and HTML.
 */
export { Scenario, Inject, Delay, parseScenarioText, readScenarioFile, type LoadedScenario, type ScenarioIssue } from './scenario.ts';
export { CH_EGOV, CH_PAPER, CH_PORTAL, CH_SMS } from './codes.ts';
export { channelBits, isUrban, listedPopulation, seededPopulation, sharePopulation, type ListedGroup, type PlanOutline, type Population, type SimCell } from './population.ts';
export { registryPopulation } from './registry-population.ts';
export { compileScenario, delayMeanH, type Compiled } from './params.ts';
export { draw, factorAt, runSeed, sampler, type Window } from './draws.ts';
export { noticeTable, notificationTable } from './legal.ts';
export { simulate, runTrace, type Trace } from './engine.ts';
export { FINAL_STATES, SERIES, STAGES, TARGETS, type FinalState, type SeriesName, type StageName } from './states.ts';
export type { RunResult } from './outcome.ts';
export { runMonteCarlo, threadsFor, type MonteCarloOptions } from './montecarlo.ts';
export { aggregate, percentile, type Band, type Constraint, type Forecast, type TimeToTarget } from './aggregate.ts';
export { assumptions, describeInject, forecastScenario, prepareScenario, type Assumptions, type PreparedScenario, type SimulationReport } from './run.ts';
export { writeReport, curvesCsv, strengthChart } from './report/files.ts';
export { lineChart, escapeXml, PALETTE, type ChartBand, type ChartLine } from './report/chart.ts';
export { STYLE, table, hoursText, num, timeToTable } from './report/html.ts';
