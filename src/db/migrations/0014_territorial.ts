export const name = '0014_territorial';

/**
 * Territorial defence: units raised per region/district from volunteers and reservists, the critical objects they
 * guard, their tasks, and evacuation planning (shelters, transport, plans with a capacity check).
 *
 * td_members has the person's IIN as its primary key, so nobody can be in two units even under concurrent writes.
 * Evacuation plans never change once written; their state comes from the append-only td_evacuation_actions log
 * (refuse_change() from 0003), and an approval records the capacity check it was made against.
 */
export const sql = `
CREATE TABLE td_units (
  id              bigserial PRIMARY KEY,
  name            text NOT NULL,
  region          text NOT NULL REFERENCES regions (iso),
  district        text,
  kind            text NOT NULL CHECK (kind IN ('territorial_troops', 'volunteer_formation', 'rapid_response', 'engineering')),
  strength_target int NOT NULL CHECK (strength_target > 0),
  created_at      timestamptz NOT NULL,
  created_by      text NOT NULL,
  UNIQUE (region, name)
);
CREATE INDEX td_units_area ON td_units (region, district);

CREATE TABLE td_members (
  iin       char(12) PRIMARY KEY,
  unit_id   bigint NOT NULL REFERENCES td_units (id),
  basis     text NOT NULL CHECK (basis IN ('volunteer', 'reservist')),
  joined_at timestamptz NOT NULL,
  added_by  text NOT NULL
);
CREATE INDEX td_members_unit ON td_members (unit_id);

CREATE TABLE td_protection (
  id             bigserial PRIMARY KEY,
  unit_id        bigint NOT NULL REFERENCES td_units (id),
  object_id      bigint NOT NULL REFERENCES infrastructure_objects (id),
  shift_strength int NOT NULL CHECK (shift_strength > 0),
  created_at     timestamptz NOT NULL,
  created_by     text NOT NULL,
  UNIQUE (unit_id, object_id)
);
CREATE INDEX td_protection_object ON td_protection (object_id);

CREATE TABLE td_shelters (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  region     text NOT NULL REFERENCES regions (iso),
  district   text NOT NULL,
  capacity   int NOT NULL CHECK (capacity > 0),
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  UNIQUE (district, name)
);

-- A district's evacuation transport: a fleet of like vehicles, each with its seats and round trips per day.
CREATE TABLE td_transport (
  id            bigserial PRIMARY KEY,
  label         text NOT NULL,
  region        text NOT NULL REFERENCES regions (iso),
  district      text NOT NULL,
  vehicles      int NOT NULL CHECK (vehicles > 0),
  seats         int NOT NULL CHECK (seats > 0),
  trips_per_day numeric(6, 2) NOT NULL CHECK (trips_per_day > 0),
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);

CREATE TABLE td_evacuation_plans (
  id             bigserial PRIMARY KEY,
  name           text NOT NULL,
  region         text NOT NULL REFERENCES regions (iso),
  from_districts text[] NOT NULL,
  to_districts   text[] NOT NULL,
  shelter_ids    bigint[] NOT NULL DEFAULT '{}',
  window_hours   int NOT NULL CHECK (window_hours > 0),
  created_at     timestamptz NOT NULL,
  created_by     text NOT NULL
);

CREATE TABLE td_evacuation_actions (
  plan_id bigint NOT NULL REFERENCES td_evacuation_plans (id),
  seq     int NOT NULL,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,
  action  text NOT NULL CHECK (action IN ('draft', 'approve')),
  -- The capacity check at the time of the action; for an approval of an infeasible plan, the reason it was accepted.
  "check" jsonb NOT NULL,
  reason  text,
  PRIMARY KEY (plan_id, seq)
);

CREATE TABLE td_tasks (
  id                 bigserial PRIMARY KEY,
  unit_id            bigint NOT NULL REFERENCES td_units (id),
  kind               text NOT NULL CHECK (kind IN ('guard', 'fortify', 'evacuate')),
  protection_id      bigint REFERENCES td_protection (id),
  location           text,
  due_date           date,
  evacuation_plan_id bigint REFERENCES td_evacuation_plans (id),
  state              text NOT NULL CHECK (state IN ('assigned', 'in_progress', 'done')),
  created_at         timestamptz NOT NULL,
  created_by         text NOT NULL,
  updated_at         timestamptz NOT NULL,
  CHECK ((kind = 'guard') = (protection_id IS NOT NULL)),
  CHECK ((kind = 'fortify') = (location IS NOT NULL AND due_date IS NOT NULL)),
  CHECK ((kind = 'evacuate') = (evacuation_plan_id IS NOT NULL))
);
CREATE INDEX td_tasks_unit ON td_tasks (unit_id);

CREATE TRIGGER td_evacuation_plans_append_only BEFORE UPDATE OR DELETE ON td_evacuation_plans FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER td_evacuation_actions_append_only BEFORE UPDATE OR DELETE ON td_evacuation_actions FOR EACH ROW EXECUTE FUNCTION refuse_change();
`;
