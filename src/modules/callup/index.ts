/** Call-up: orders as data, plans by LP over classes with a published lottery, and the plan workflow. */
export { CallupOrder, PRIORITY_TIERS, orderCells, parseOrderText, parseOrderValue, readOrderFile, type Cell, type OrderIssue, type PriorityTier } from './order.ts';
export { regionDistanceKm } from './geo.ts';
export { allocationOptions, buildArcs, greedyFlows, handOut, servesIn, summarise, transportProblem, type Allocation, type AllocationOptions, type Arc, type CellResult, type PersonClass } from './allocate.ts';
export { shortfallCost, toLpModel, type TransportProblem } from './transport.ts';
export { solveTransport, type TransportSolution } from './solver.ts';
export { applyAction, planState, type PlanAction, type PlanActionEntry, type PlanState, type PlanStatus } from './workflow.ts';
export { LOTTERY, getPlan, planAssignments, planCallup, recordPlanAction, type Assignment, type PlanContext, type PlanReport, type StoredPlan } from './plan.ts';
export { explainPlanFor, type PersonPlanExplanation } from './explain.ts';
export { listPlans, type PlanSummary } from './list.ts';
export { heldByCallup, heldByCallupSql } from './active.ts';
export { planRemovals, removeFromOpenPlans, type RemovalOutcome } from './removal.ts';
