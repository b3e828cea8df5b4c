import { useI18n, type Key } from '../i18n/index.tsx';
import { ApiError } from './http.ts';

// Codes a user can act on get words of their own; any other error shows the server's message after a general line.
const KNOWN: Record<string, Key> = {
  CALLUP_SELF_APPROVAL: 'error.selfApproval',
  SUMMONS_SELF_ISSUE: 'error.selfIssue',
  ACCESS_DENIED: 'error.denied',
  ACCESS_OUT_OF_SCOPE: 'error.outOfScope',
  API_UNAUTHENTICATED: 'error.signedOut',
  SUMMONS_NOTICE_TOO_SHORT: 'error.noticeTooShort',
  SELF_SERVICE_CODE_WRONG: 'citizen.codeWrong',
  SELF_SERVICE_THROTTLED: 'citizen.throttled',
  TD_SELF_APPROVAL: 'error.tdSelfApproval',
  TD_PLAN_INFEASIBLE: 'error.tdInfeasible',
};

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const known = error instanceof ApiError ? KNOWN[error.code] : undefined;
  return (
    <p className="error" role="alert">
      {known ? t(known) : t('error.general')}
      {error instanceof Error && <small> {error.message}</small>}
    </p>
  );
}
