export const name = '0019_sign_in_throttles';

/**
 * Sign-in throttles that one client cannot turn against everyone else: citizens' code requests and wrong codes are
 * counted per client address as well as per IIN; staff failures are counted per (account, address), so a stranger's
 * wrong passwords slow an account down but never lock its owner out.
 */
export const sql = `
ALTER TABLE citizen_codes ADD COLUMN address text;
CREATE INDEX citizen_codes_by_address ON citizen_codes (address, created_at);
CREATE TABLE citizen_sign_in_failures (
  iin     char(12) NOT NULL,
  address text NOT NULL,
  at      timestamptz NOT NULL
);
CREATE INDEX citizen_sign_in_failures_by_iin ON citizen_sign_in_failures (iin, at);
CREATE INDEX citizen_sign_in_failures_by_address ON citizen_sign_in_failures (address, at);
CREATE INDEX login_failures_by_user_address ON login_failures (username, address, at);
`;
