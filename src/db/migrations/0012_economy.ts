export const name = '0012_economy';

/**
 * Economic tier. Enterprises are `organisations` rows of kind 'enterprise'. Capacity lines are the enterprise's
 * current declaration and change in place (each change audited). Tasks, requisitions, their items and the
 * compensation ledger are records: append-only through refuse_change() (0003); a task's and a requisition's state
 * is derived from its action log. Money is integer tiyn (1 tenge = 100 tiyn).
 */
export const sql = `
CREATE TABLE economy_capacities (
  id         bigserial PRIMARY KEY,
  bin        char(12) NOT NULL REFERENCES organisations (bin),
  kind       text NOT NULL CHECK (kind IN ('vehicles', 'fuel', 'production', 'buildings')),
  -- vehicles: truck, bus, fuel_tanker, …; fuel: diesel, petrol, …; production: the product; buildings: the use
  subtype    text NOT NULL,
  quantity   bigint NOT NULL CHECK (quantity >= 0),
  unit       text NOT NULL,
  -- buildings only: beds or places
  places     int CHECK (places >= 0),
  region     text NOT NULL REFERENCES regions (iso),
  location   text,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  UNIQUE (bin, kind, subtype, region)
);
CREATE INDEX economy_capacities_region ON economy_capacities (region, kind);

CREATE TABLE economy_tasks (
  id              bigserial PRIMARY KEY,
  bin             char(12) NOT NULL REFERENCES organisations (bin),
  kind            text NOT NULL CHECK (kind IN ('vehicles', 'fuel', 'production', 'buildings')),
  subtype         text NOT NULL,
  quantity        bigint NOT NULL CHECK (quantity > 0),
  unit            text NOT NULL,
  destination     text NOT NULL REFERENCES regions (iso),
  due_date        date NOT NULL,
  note            text,
  idempotency_key text UNIQUE,
  created_at      timestamptz NOT NULL,
  created_by      text NOT NULL
);
CREATE INDEX economy_tasks_bin ON economy_tasks (bin, kind, subtype);

CREATE TABLE economy_task_actions (
  task_id  bigint NOT NULL REFERENCES economy_tasks (id),
  seq      int NOT NULL,
  at       timestamptz NOT NULL,
  actor    text NOT NULL,
  action   text NOT NULL CHECK (action IN ('assign', 'accept', 'decline', 'progress')),
  -- progress: the quantity delivered by this report
  quantity bigint CHECK (quantity > 0),
  note     text,
  PRIMARY KEY (task_id, seq)
);

CREATE TABLE economy_requisitions (
  id              bigserial PRIMARY KEY,
  owner_kind      text NOT NULL CHECK (owner_kind IN ('enterprise', 'citizen')),
  owner_bin       char(12) REFERENCES organisations (bin),
  owner_iin       char(12),
  region          text NOT NULL REFERENCES regions (iso),
  purpose         text NOT NULL,
  use_from        date NOT NULL,
  use_until       date NOT NULL CHECK (use_until > use_from),
  -- the reference price list the items were valued with: "id@version"
  price_list      text NOT NULL,
  value_tiyn      bigint NOT NULL CHECK (value_tiyn >= 0),
  idempotency_key text UNIQUE,
  created_at      timestamptz NOT NULL,
  created_by      text NOT NULL,
  CHECK ((owner_kind = 'enterprise' AND owner_bin IS NOT NULL AND owner_iin IS NULL)
      OR (owner_kind = 'citizen' AND owner_iin IS NOT NULL AND owner_bin IS NULL))
);
CREATE INDEX economy_requisitions_region ON economy_requisitions (region);

-- One row per item with every input of its valuation, so the value can be re-derived from the row alone.
CREATE TABLE economy_requisition_items (
  requisition_id         bigint NOT NULL REFERENCES economy_requisitions (id),
  n                      int NOT NULL,
  kind                   text NOT NULL,
  description            text NOT NULL,
  condition              text NOT NULL,
  age_years              int NOT NULL CHECK (age_years >= 0),
  quantity               bigint NOT NULL CHECK (quantity > 0),
  unit                   text NOT NULL,
  unit_price_tiyn        bigint NOT NULL,
  depreciation_bp        int NOT NULL,
  residual_floor_bp      int NOT NULL,
  condition_bp           int NOT NULL,
  market_value_tiyn      bigint NOT NULL,
  override_tiyn          bigint CHECK (override_tiyn >= 0),
  override_justification text,
  value_tiyn             bigint NOT NULL CHECK (value_tiyn >= 0),
  PRIMARY KEY (requisition_id, n),
  CHECK ((override_tiyn IS NULL) = (override_justification IS NULL))
);

CREATE TABLE economy_requisition_actions (
  requisition_id bigint NOT NULL REFERENCES economy_requisitions (id),
  seq            int NOT NULL,
  at             timestamptz NOT NULL,
  actor          text NOT NULL,
  action         text NOT NULL CHECK (action IN ('draft', 'approve', 'reject')),
  note           text,
  PRIMARY KEY (requisition_id, seq)
);

-- The compensation ledger. Amounts are positive; the kind gives the sign: owed and damage add to what the state
-- owes, paid and returned (the reduction for the unused period on an early return) take from it.
CREATE TABLE economy_ledger (
  requisition_id bigint NOT NULL REFERENCES economy_requisitions (id),
  seq            int NOT NULL,
  at             timestamptz NOT NULL,
  actor          text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('owed', 'paid', 'returned', 'damage')),
  amount_tiyn    bigint NOT NULL CHECK (amount_tiyn >= 0),
  note           text,
  details        jsonb NOT NULL DEFAULT '{}',
  -- a client retrying a payment sends the same key and gets the entry already written, not a second payment
  idempotency_key text UNIQUE,
  PRIMARY KEY (requisition_id, seq)
);

CREATE TRIGGER economy_tasks_append_only BEFORE UPDATE OR DELETE ON economy_tasks FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER economy_task_actions_append_only BEFORE UPDATE OR DELETE ON economy_task_actions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER economy_requisitions_append_only BEFORE UPDATE OR DELETE ON economy_requisitions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER economy_requisition_items_append_only BEFORE UPDATE OR DELETE ON economy_requisition_items FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER economy_requisition_actions_append_only BEFORE UPDATE OR DELETE ON economy_requisition_actions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER economy_ledger_append_only BEFORE UPDATE OR DELETE ON economy_ledger FOR EACH ROW EXECUTE FUNCTION refuse_change();
`;
