export const name = '0011_civil';

/**
 * Civil tier. Civil mobilization tasks (e.g. 120 nurses to a region by a date) keep an append-only action log like
 * call-up plans; their assignments are rewritten by each re-plan until a second person approves the task.
 * Reservations take named essential workers out of military call-up for a validity period once a second person
 * approves them; `callup_exclusions` is the view the call-up planner reads, so it never needs this tier's tables.
 * Approving a reservation removes the person from call-up plans not yet issued: call-up assignments are
 * append-only, so the removal is its own append-only row (`callup_plan_removals`) that the plan reads back.
 */
export const sql = `
CREATE TABLE civil_tasks (
  id          text PRIMARY KEY,
  title       text NOT NULL,
  sector      text NOT NULL,
  region      text NOT NULL REFERENCES regions (iso),
  due_date    date NOT NULL,
  territorial boolean NOT NULL,
  -- [{"skill": occupation, "count": n}]
  lines       jsonb NOT NULL,
  seed        text NOT NULL,
  -- The latest plan's report (cells, shortfall, reasons); null until planned.
  report      jsonb,
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL
);

CREATE TABLE civil_task_actions (
  task_id text NOT NULL REFERENCES civil_tasks (id),
  seq     int NOT NULL,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,
  action  text NOT NULL CHECK (action IN ('create', 'plan', 'approve', 'withdraw')),
  note    text,
  PRIMARY KEY (task_id, seq)
);
CREATE TRIGGER civil_task_actions_append_only BEFORE UPDATE OR DELETE ON civil_task_actions
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE civil_task_assignments (
  task_id      text NOT NULL REFERENCES civil_tasks (id),
  iin          char(12) NOT NULL,
  line         int NOT NULL,
  home_region  text NOT NULL,
  lottery_rank int NOT NULL,
  travel_km    int NOT NULL,
  PRIMARY KEY (task_id, iin)
);
CREATE INDEX civil_task_assignments_iin ON civil_task_assignments (iin);

CREATE TABLE civil_reservations (
  id             bigserial PRIMARY KEY,
  iin            char(12) NOT NULL,
  requester_kind text NOT NULL CHECK (requester_kind IN ('organisation', 'agency')),
  -- An organisation's BIN or an agency code.
  requester      text NOT NULL,
  list_name      text NOT NULL,
  reason         text NOT NULL,
  valid_from     date NOT NULL,
  valid_to       date NOT NULL,
  created_at     timestamptz NOT NULL,
  created_by     text NOT NULL,
  approved_at    timestamptz,
  approved_by    text,
  revoked_at     timestamptz,
  revoked_by     text,
  revoke_reason  text,
  CHECK (valid_to >= valid_from)
);
-- One live entry per person and requester: a second request must wait for the first to be revoked.
CREATE UNIQUE INDEX civil_reservations_live ON civil_reservations (iin, requester) WHERE revoked_at IS NULL;
CREATE INDEX civil_reservations_iin ON civil_reservations (iin);

CREATE VIEW callup_exclusions AS
  SELECT iin, valid_from, valid_to, id AS reservation_id FROM civil_reservations
   WHERE approved_at IS NOT NULL AND revoked_at IS NULL;

CREATE TABLE callup_plan_removals (
  plan_id        bigint NOT NULL REFERENCES callup_plans (id),
  iin            char(12) NOT NULL,
  cell           int NOT NULL,
  at             timestamptz NOT NULL,
  actor          text NOT NULL,
  reason         text NOT NULL,
  reservation_id bigint REFERENCES civil_reservations (id),
  PRIMARY KEY (plan_id, iin)
);
CREATE TRIGGER callup_plan_removals_append_only BEFORE UPDATE OR DELETE ON callup_plan_removals
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A reserved person whose summons was already issued: reported for an officer to resolve, never changed silently.
CREATE TABLE civil_reservation_conflicts (
  reservation_id bigint NOT NULL REFERENCES civil_reservations (id),
  plan_id        bigint NOT NULL REFERENCES callup_plans (id),
  iin            char(12) NOT NULL,
  at             timestamptz NOT NULL,
  PRIMARY KEY (reservation_id, plan_id)
);
`;
