export { hashPassword, verifyPassword } from './password.ts';
export { Role, PERMISSIONS, actorName, can, authorize, areaOf, withinArea, personScopeSql, type AreaScope, type CitizenPrincipal, type Permission, type Principal, type StaffPrincipal } from './roles.ts';
export { NewUser, createUser, login, logout, sessionUser, listUsers, SESSION_TTL_MS, FAILURES_PER_USER_ADDRESS, BACKOFF_AFTER, ADDRESS_BACKOFF_AFTER, loginBackoffMs, FAILURE_WINDOW_MS } from './users.ts';
export { assertPersonVisible, assertSummonsVisible } from './visibility.ts';
export { createDemoUsers, type DemoUser } from './demo.ts';
