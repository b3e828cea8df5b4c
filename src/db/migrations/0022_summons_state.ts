export const name = '0022_summons_state';

/**
 * The summons read model: one row per summons with the state the reducer derives from its ledger entries, written
 * by appendLedger in the same transaction as every append (src/modules/summons/read-model.ts). The ledger stays the
 * only truth: `mobilize summons rebuild-state [--verify]` re-derives every row from it. Lists and counts that screens
 * poll read this table, never the ledger. `state` is the reducer's whole state, so the next append continues from it;
 * `*_at` is when each funnel stage first held (the time of the action that made it so), for the exercise curves.
 */
export const sql = `
CREATE TABLE summons_state (
  summons_id       bigint PRIMARY KEY REFERENCES summonses (id),
  plan_id          bigint NOT NULL,
  iin              char(12) NOT NULL,
  region           text NOT NULL,
  district         text,
  exercise         boolean NOT NULL,
  channels         text[] NOT NULL,
  appearance_at    timestamptz NOT NULL,
  legal            text NOT NULL,
  notification     text NOT NULL,
  sent             boolean NOT NULL,
  delivered        boolean NOT NULL,
  duly_notified    boolean NOT NULL,
  appeared         boolean NOT NULL,
  excused          boolean NOT NULL,
  referred         boolean NOT NULL,
  reason_pending   text,
  sent_at          timestamptz,
  delivered_at     timestamptz,
  notified_at      timestamptz,
  appeared_at      timestamptz,
  last_seq         bigint NOT NULL,
  last_evidence_at timestamptz NOT NULL,
  version          int NOT NULL,
  state            jsonb NOT NULL
);
CREATE INDEX summons_state_area ON summons_state (exercise, region, district);
CREATE INDEX summons_state_plan ON summons_state (plan_id, region, district);
CREATE INDEX summons_state_worklist ON summons_state (exercise, region, district, legal, appearance_at, summons_id);
CREATE INDEX summons_state_reasons ON summons_state (region, district) WHERE reason_pending IS NOT NULL;
`;
