export const name = '0006_self_service';

/**
 * Citizen self-service sign-in: a one-time code sent by SMS to the person's registered mobile, exchanged for a
 * short-lived session bound to that IIN. Only hashes of codes and session tokens are stored. Every request is
 * recorded, also for an IIN that is not in the registry (code_hash null), so the throttle and the answer are the
 * same whether or not the person exists.
 */
export const sql = `
CREATE TABLE citizen_codes (
  id         bigserial PRIMARY KEY,
  iin        char(12) NOT NULL,
  salt       text NOT NULL,
  code_hash  text,
  sent_to    text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts   int NOT NULL DEFAULT 0,
  used_at    timestamptz
);
CREATE INDEX citizen_codes_by_iin ON citizen_codes (iin, created_at);

CREATE TABLE citizen_sessions (
  token_hash text PRIMARY KEY,
  iin        char(12) NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
`;
