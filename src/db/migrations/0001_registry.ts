export const name = '0001_registry';

export const sql = `
CREATE TABLE regions (
  iso          text PRIMARY KEY,
  name_en      text NOT NULL,
  name_kk      text NOT NULL,
  name_ru      text NOT NULL,
  kind         text NOT NULL,
  centre       text NOT NULL,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  population_k integer NOT NULL
);

CREATE TABLE persons (
  iin                 char(12) PRIMARY KEY,
  last_name           text NOT NULL,
  first_name          text NOT NULL,
  patronymic          text,
  birth_date          date NOT NULL,
  sex                 char(1) NOT NULL CHECK (sex IN ('M', 'F')),
  -- Checked against the reference regions on every write path; no FK, so bulk loads run at COPY speed.
  region              text NOT NULL,
  district            text,
  address             text,
  mobile              text,
  mobile_on_egov      boolean NOT NULL DEFAULT false,
  egov_account        boolean NOT NULL DEFAULT false,
  mil_registered      boolean NOT NULL DEFAULT false,
  mil_exemption       text,
  mil_category        text,
  rank                text,
  specialty           text,
  fitness             text,
  served              boolean NOT NULL DEFAULT false,
  occupation          text,
  sector              text,
  employer_bin        char(12),
  employment          text,
  volunteer           boolean NOT NULL DEFAULT false,
  children_birth_dates date[] NOT NULL DEFAULT '{}',
  serving_sentence    boolean NOT NULL DEFAULT false,
  resides_abroad      boolean NOT NULL DEFAULT false,
  -- Creation is recorded on the row (who, when, from what); later changes are rows of person_history.
  created_at          timestamptz NOT NULL DEFAULT now(),
  created_by          text NOT NULL DEFAULT 'system',
  created_via         text NOT NULL DEFAULT 'unknown',
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organisations (
  bin        char(12) PRIMARY KEY,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('agency', 'enterprise', 'lma_office')),
  region     text REFERENCES regions (iso),
  sector     text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every change to an existing person, with the changed fields as {"field": [old, new]}: together with the
-- current row this gives the person's state at any time.
CREATE TABLE person_history (
  id      bigserial PRIMARY KEY,
  iin     char(12) NOT NULL,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,
  source  text NOT NULL,
  changes jsonb NOT NULL
);
CREATE INDEX person_history_iin ON person_history (iin, id);

CREATE TABLE import_runs (
  id          bigserial PRIMARY KEY,
  file        text NOT NULL,
  actor       text NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  counts      jsonb
);

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical entry).
CREATE TABLE audit_log (
  seq       bigint PRIMARY KEY,
  at        timestamptz NOT NULL,
  actor     text NOT NULL,
  action    text NOT NULL,
  subject   text,
  details   jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash      text NOT NULL
);

-- Fields of new that differ from old, as {"field": [old, new]}.
CREATE FUNCTION jsonb_changes(old jsonb, new jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(n.key, jsonb_build_array(old -> n.key, n.value)), '{}'::jsonb)
  FROM jsonb_each(new) n
  WHERE (old -> n.key) IS DISTINCT FROM n.value
$$;
`;
