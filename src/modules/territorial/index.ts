/**
 * Territorial defence: units per region/district from volunteers and reservists, guarding critical infrastructure,
 * tasks, and evacuation planning with a capacity check and two-person approval.
 */
export { narrowArea, type TdContext } from './context.ts';
export { NewUnit, NewShelter, NewTransport, NewProtection, EndProtection, NewTask, NewEvacuationPlan, UNIT_KINDS, TASK_STATES, type TaskState } from './schemas.ts';
export { createUnit, getUnit, listUnits, type Unit } from './units.ts';
export { addMembers, removeMember, listMembers, fillUnit, type Member, type FillProposal } from './members.ts';
export { assignProtection, endProtection, listProtection, unprotectedCritical, type Protection, type UnprotectedObject } from './protection.ts';
export { assignTask, advanceTask, listTasks, type Task } from './tasks.ts';
export { addShelter, addTransport, listShelters, listTransport, type Shelter, type Transport } from './resources.ts';
export { capacityCheck, seatTrips, wholeTrips, type CapacityCheck, type Fleet } from './capacity.ts';
export { createEvacuationPlan, approveEvacuationPlan, getEvacuationPlan, listEvacuationPlans, type EvacuationPlan } from './evacuation.ts';
export { territorialReadiness, type TierReadiness } from './readiness.ts';
export { seedTerritorialDemo, type TerritorialDemoSummary } from './demo.ts';
