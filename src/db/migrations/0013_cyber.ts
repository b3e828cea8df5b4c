export const name = '0013_cyber';

/**
 * Cyber / infrastructure tier on top of the register of 0010: who last changed an object, cyber reserve units and
 * their members, and an incident log. A person is in at most one unit (the primary key on iin says so in the
 * database, not only in code). An incident row never changes; its state (open → contained → resolved) and its
 * responding unit are folded from an append-only timeline, kept append-only by refuse_change() from 0003.
 */
export const sql = `
ALTER TABLE infrastructure_objects ADD COLUMN updated_at timestamptz;
ALTER TABLE infrastructure_objects ADD COLUMN updated_by text;
CREATE INDEX infrastructure_objects_operator ON infrastructure_objects (operator_bin);

CREATE TABLE cyber_units (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  home_region text NOT NULL REFERENCES regions (iso),
  size_target int NOT NULL CHECK (size_target BETWEEN 1 AND 500),
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL
);
CREATE INDEX cyber_units_region ON cyber_units (home_region);

CREATE TABLE cyber_unit_members (
  iin       char(12) PRIMARY KEY REFERENCES persons (iin),
  unit_id   bigint NOT NULL REFERENCES cyber_units (id),
  role      text NOT NULL CHECK (role IN ('lead', 'analyst', 'operator', 'engineer')),
  joined_at timestamptz NOT NULL,
  added_by  text NOT NULL
);
CREATE INDEX cyber_unit_members_unit ON cyber_unit_members (unit_id);

CREATE TABLE infra_incidents (
  id          bigserial PRIMARY KEY,
  object_id   bigint REFERENCES infrastructure_objects (id),
  -- The unit whose responsibility the incident falls under when it is not against one object.
  unit_id     bigint REFERENCES cyber_units (id),
  region      text NOT NULL REFERENCES regions (iso),
  kind        text NOT NULL CHECK (kind IN ('cyber', 'physical', 'outage')),
  severity    text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  title       text NOT NULL,
  reported_at timestamptz NOT NULL,
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL,
  CHECK (object_id IS NOT NULL OR unit_id IS NOT NULL)
);
CREATE INDEX infra_incidents_region ON infra_incidents (region, reported_at DESC);

CREATE TABLE infra_incident_entries (
  incident_id bigint NOT NULL REFERENCES infra_incidents (id),
  seq         int NOT NULL,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('open', 'note', 'assign', 'contain', 'resolve')),
  note        text,
  -- For open and assign: the responding cyber unit from then on.
  unit_id     bigint REFERENCES cyber_units (id),
  PRIMARY KEY (incident_id, seq)
);

CREATE TRIGGER infra_incidents_append_only BEFORE UPDATE OR DELETE ON infra_incidents
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER infra_incident_entries_append_only BEFORE UPDATE OR DELETE ON infra_incident_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
`;
