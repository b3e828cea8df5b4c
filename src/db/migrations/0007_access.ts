export const name = '0007_access';

/**
 * Users of the agency's staff, their sessions and failed sign-ins. A user has exactly one role and the scope that
 * role needs (a region, a district, a receiving agency, an employer). Only hashes of passwords (scrypt) and of
 * session tokens are stored. Failed sign-ins are kept to throttle guessing per user name and per address.
 */
export const sql = `
CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9._-]{1,62}$'),
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('national_coordinator', 'regional_officer', 'district_officer', 'agency_officer', 'internal_affairs', 'enterprise_officer', 'auditor')),
  region        text,
  district      text,
  agency        text,
  employer_bin  char(12),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  CHECK ((role IN ('regional_officer', 'district_officer')) = (region IS NOT NULL)),
  CHECK ((role = 'district_officer') = (district IS NOT NULL)),
  CHECK ((role = 'agency_officer') = (agency IS NOT NULL)),
  CHECK ((role = 'enterprise_officer') = (employer_bin IS NOT NULL))
);

CREATE TABLE user_sessions (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at   timestamptz
);
CREATE INDEX user_sessions_by_user ON user_sessions (user_id);

CREATE TABLE login_failures (
  id       bigserial PRIMARY KEY,
  username text NOT NULL,
  address  text NOT NULL,
  at       timestamptz NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at);
`;
