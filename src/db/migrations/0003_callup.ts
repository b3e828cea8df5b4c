export const name = '0003_callup';

/**
 * Call-up plans. A plan is a record that never changes once written: re-planning an order writes version n+1,
 * and the plan's state (draft → approved → issued, or withdrawn) is derived from its append-only action log.
 * Triggers refuse UPDATE and DELETE on all three tables, so an approved plan is immutable in the database itself.
 */
export const sql = `
CREATE TABLE callup_plans (
  id             bigserial PRIMARY KEY,
  order_id       text NOT NULL,
  version        int NOT NULL,
  exercise       boolean NOT NULL,
  order_doc      jsonb NOT NULL,
  rule_set       text NOT NULL,
  reference_date date NOT NULL,
  seed           text NOT NULL,
  report         jsonb NOT NULL,
  created_at     timestamptz NOT NULL,
  created_by     text NOT NULL,
  UNIQUE (order_id, version)
);

CREATE TABLE callup_assignments (
  plan_id      bigint NOT NULL REFERENCES callup_plans (id),
  iin          char(12) NOT NULL,
  cell         int NOT NULL,
  home_region  text NOT NULL,
  tier         int NOT NULL,
  reserved     boolean NOT NULL,
  lottery_rank int NOT NULL,
  travel_km    int NOT NULL,
  PRIMARY KEY (plan_id, iin)
);

CREATE TABLE callup_plan_actions (
  plan_id bigint NOT NULL REFERENCES callup_plans (id),
  seq     int NOT NULL,
  at      timestamptz NOT NULL,
  actor   text NOT NULL,
  action  text NOT NULL CHECK (action IN ('draft', 'approve', 'issue', 'withdraw')),
  note    text,
  PRIMARY KEY (plan_id, seq)
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: plans are never changed, a new version is written instead', TG_TABLE_NAME
    USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER callup_plans_append_only BEFORE UPDATE OR DELETE ON callup_plans
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER callup_assignments_append_only BEFORE UPDATE OR DELETE ON callup_assignments
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER callup_plan_actions_append_only BEFORE UPDATE OR DELETE ON callup_plan_actions
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
`;
