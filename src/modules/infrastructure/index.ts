/**
 * Cyber / infrastructure tier: the register of critical infrastructure objects (with CSV import), cyber reserve
 * units formed from people with cyber skills, and an incident log with an append-only timeline.
 */
export { CRITICALITY, OBJECT_KINDS, ObjectInput, ObjectPatch, ObjectQuery, createObject, getInfrastructureObject, listInfrastructureObjects, parseObjectInput, updateObject, type InfrastructureObject, type ObjectKind } from './objects.ts';
export { OBJECT_CSV_HEADER, importObjectsCsv, type ImportIssue, type ObjectImportSummary } from './import.ts';
export { CYBER_AGE, CYBER_SKILL_RULE, cyberSkillMatch, type SkillClause, type SkillFacts, type SkillMatch } from './skills.ts';
export { FormCyberUnit, MEMBER_ROLES, NewCyberUnit, NewMember, RemoveMember, addCyberMember, removeCyberMember, createCyberUnit, formCyberUnit, getCyberUnit, listCyberUnits, showCyberUnit, type Candidate, type CyberUnit, type MemberRole, type UnitMember } from './cyber-units.ts';
export { INCIDENT_KINDS, SEVERITIES, IncidentEntryInput, IncidentQuery, NewIncident, listIncidents, openIncident, recordIncident, showIncident, type Incident, type IncidentEntryView } from './incidents.ts';
export { incidentState, type IncidentState, type IncidentStatus, type EntryKind, type TimelineEntry } from './incident-state.ts';
export { NATIONAL, infraScope, kzTime, type InfraContext, type InfraScope } from './scope.ts';
export { infrastructureReadiness, type TierReadiness } from './readiness.ts';
export { seedInfrastructureDemo, type DemoOptions, type DemoSummary } from './demo.ts';
