/** Economic tier: enterprises' capacities, mobilization tasks, requisitions of property and their compensation. */
export { CAPACITY_UNIT, CapacityKind, NATIONAL, economyScope, tenge, type EconomyContext, type EconomyScope } from './vocab.ts';
export { Condition, DEFAULT_PRICE_FILE, PriceList, loadPriceList, parsePriceList, priceListRef, type KindPrice } from './prices.ts';
export { ItemInput, marketValueTiyn, rederive, valueItem, type ItemValuation } from './valuation.ts';
export { LedgerKind, SIGN, foldLedger, nextEntry, returnReduction, type LedgerEntry, type LedgerOp, type LedgerTotals } from './ledger.ts';
export { CapacityInput, NewEnterprise, capacitiesOf, listEnterprises, registerEnterprise, setCapacity, visibleEnterprise, type CapacityLine, type Enterprise, type EnterpriseSummary } from './enterprises.ts';
export { CAPACITY_COLUMNS, importCapacities, type CapacityImportSummary, type ImportIssue } from './capacity-import.ts';
export { NewTask, TASK_TRANSITIONS, TaskProgress, TaskResponse, actOnTask, assignTask, listTasks, readTask, reduceTask, type Task, type TaskAction, type TaskLogEntry, type TaskState } from './tasks.ts';
export { NewRequisition, decideRequisition, draftRequisition, listRequisitions, showRequisition, type Requisition, type RequisitionAction, type RequisitionState, type RequisitionSummary } from './requisitions.ts';
export { LedgerInput, compensationTotals, recordLedger, type CompensationTotals } from './compensation.ts';
export { economyReadiness, type TierReadiness } from './readiness.ts';
export { DEMO_ENTERPRISES_PER_REGION, seedEconomyDemo } from './seed.ts';

export { showEnterprise } from './enterprise-view.ts';
