/**
 * Civil tier: the essential-personnel registry (views by sector, region, district, skill), civil mobilization
 * tasks planned by the call-up planner, and reservation lists that keep named workers out of military call-up.
 */
export { ESSENTIAL_SECTORS, unconfined, type CivilContext, type EssentialSector } from './context.ts';
export { DIMENSIONS, PersonnelCountQuery, PersonnelListQuery, personnelCounts, personnelList, type Dimension, type EssentialPerson, type PersonnelCount } from './personnel.ts';
export { NewCivilTask, createTask, listTasks, recordTaskAction, showTask, taskAssignments, type CivilTask, type TaskAssignee, type TaskReport, type TaskSummary } from './tasks.ts';
export { CIVIL_LOTTERY, planTask, taskCells } from './task-plan.ts';
export { applyTaskAction, taskState, type TaskAction, type TaskState, type TaskStatus } from './task-workflow.ts';
export {
  NewReservation,
  ReservationFilter,
  addReservation,
  approveReservations,
  listReservations,
  reservationConflicts,
  revokeReservation,
  type ApprovalResult,
  type Reservation,
  type ReservationStatus,
} from './reservations.ts';
export { RESERVATION_CSV_COLUMNS, importReservationsCsv, type ImportIssue } from './reservation-import.ts';
export { civilReadiness } from './readiness.ts';
export { seedCivilDemo } from './seed.ts';
