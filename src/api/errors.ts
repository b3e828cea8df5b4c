import { DomainError } from '../kernel/errors.ts';

/** The only place where domain error codes become HTTP statuses. */
const STATUS: Record<string, number> = {
  REGISTRY_INVALID_IIN: 400,
  REGISTRY_INVALID_BIN: 400,
  API_UNAUTHENTICATED: 401,
  ACCESS_DENIED: 403,
  ACCESS_OUT_OF_SCOPE: 403,
  ACCESS_LOGIN_FAILED: 401,
  ACCESS_THROTTLED: 429,
  ACCESS_USER_INVALID: 400,
  ACCESS_USER_EXISTS: 409,
  API_NOT_FOUND: 404,
  CALLUP_PLAN_NOT_FOUND: 404,
  CALLUP_SELF_APPROVAL: 403,
  CALLUP_BAD_TRANSITION: 409,
  SUMMONS_NOT_FOUND: 404,
  SUMMONS_SELF_ISSUE: 403,
  SUMMONS_PLAN_NOT_APPROVED: 409,
  SUMMONS_NOTICE_TOO_SHORT: 422,
  SUMMONS_APPEARANCE_OUTSIDE_ORDER: 422,
  SUMMONS_TRANSITION_REFUSED: 409,
  SUMMONS_ACTION_INVALID: 400,
  SUMMONS_ACTION_IN_FUTURE: 422,
  REGISTRY_INVALID_MOBILE: 400,
  REGISTRY_PERSON_NOT_FOUND: 404,
  SELF_SERVICE_BAD_IIN: 400,
  SELF_SERVICE_CODE_WRONG: 401,
  SELF_SERVICE_UNAUTHENTICATED: 401,
  SELF_SERVICE_THROTTLED: 429,
  SELF_SERVICE_UNAVAILABLE: 503,
  CALLUP_BAD_PLAN_REF: 400,
  DB_IN_USE: 503,
};

export function httpStatus(e: DomainError): number {
  return STATUS[e.code] ?? 400;
}

export function errorBody(e: DomainError): { error: { code: string; message: string; details: Record<string, unknown> } } {
  return { error: { code: e.code, message: e.message, details: e.details } };
}
