export const name = '0004_summons';

/**
 * Summonses issued from an approved call-up plan, their evidence ledger, and the SMS outbox.
 *
 * - `summonses`: one per plan assignment, never changed (the legal state is derived from the ledger).
 * - `summons_ledger`: the summons action log and evidence ledger in one table. Every action of every summons is
 *   one entry of a single hash chain (seq, prev_hash, hash over the canonical entry), as the pure ledger in
 *   src/modules/summons/ledger.ts computes it. Append-only by trigger.
 * - `summons_ledger_head`: one row holding the seq and hash of the last entry, advanced in the same transaction as
 *   every append. Deleting the last entries of the chain leaves it intact, but no longer equal to the head.
 * - `summons_outbox`: the record of each send, written with the summons (the job is this row; claimed with
 *   FOR UPDATE SKIP LOCKED). Operational state, so it is updated in place; the legal facts go to the ledger.
 * - `summons_sms_messages`, `sms_receipts`: SMSC message ids of recorded submits, and every delivery receipt as it
 *   arrived (an inbox, so a receipt that comes before its submit is recorded is applied later, never lost).
 */
export const sql = `
CREATE TABLE summonses (
  id                bigserial PRIMARY KEY,
  plan_id           bigint NOT NULL REFERENCES callup_plans (id),
  iin               char(12) NOT NULL,
  purpose           text NOT NULL,
  lma_office        text NOT NULL,
  lma_region        text NOT NULL,
  appearance_at     timestamptz NOT NULL,
  verification_code text NOT NULL UNIQUE,
  exercise          boolean NOT NULL,
  channels          text[] NOT NULL,
  created_at        timestamptz NOT NULL,
  created_by        text NOT NULL,
  UNIQUE (plan_id, iin)
);

CREATE TABLE summons_ledger (
  seq         bigint PRIMARY KEY,
  summons_id  bigint NOT NULL REFERENCES summonses (id),
  recorded_at timestamptz NOT NULL,
  kind        text NOT NULL,
  action      jsonb NOT NULL,
  prev_hash   text NOT NULL,
  hash        text NOT NULL UNIQUE
);
CREATE INDEX summons_ledger_by_summons ON summons_ledger (summons_id, seq);

CREATE TABLE summons_ledger_head (
  id   int PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO summons_ledger_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');

CREATE FUNCTION summons_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.seq <= OLD.seq THEN
    RAISE EXCEPTION 'summons_ledger_head only moves forward' USING ERRCODE = 'raise_exception';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER summons_ledger_head_forward BEFORE UPDATE OR DELETE ON summons_ledger_head
  FOR EACH ROW EXECUTE FUNCTION summons_head_forward();
CREATE TRIGGER summonses_append_only BEFORE UPDATE OR DELETE ON summonses
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER summons_ledger_append_only BEFORE UPDATE OR DELETE ON summons_ledger
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE summons_outbox (
  id            bigserial PRIMARY KEY,
  summons_id    bigint NOT NULL REFERENCES summonses (id),
  channel       text NOT NULL CHECK (channel IN ('sms')),
  destination   text NOT NULL,
  number_basis  text[] NOT NULL,
  text          text NOT NULL,
  exercise      boolean NOT NULL,
  state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'submitted', 'failed', 'refused', 'too_late')),
  attempts      int NOT NULL DEFAULT 0,
  available_at  timestamptz NOT NULL DEFAULT now(),
  lease_until   timestamptz,
  claimed_by    text,
  message_ids   text[],
  smsc          text,
  last_error    text,
  created_at    timestamptz NOT NULL,
  UNIQUE (summons_id, channel, destination)
);
CREATE INDEX summons_outbox_due ON summons_outbox (available_at, id) WHERE state IN ('pending', 'sending');

CREATE TABLE summons_sms_messages (
  smsc       text NOT NULL,
  message_id text NOT NULL,
  summons_id bigint NOT NULL REFERENCES summonses (id),
  outbox_id  bigint NOT NULL REFERENCES summons_outbox (id),
  PRIMARY KEY (smsc, message_id)
);

CREATE TABLE sms_receipts (
  smsc        text NOT NULL,
  message_id  text NOT NULL,
  status      text NOT NULL,
  done_at     timestamptz,
  received_at timestamptz NOT NULL,
  applied_seq bigint,
  PRIMARY KEY (smsc, message_id, status)
);
CREATE INDEX sms_receipts_unapplied ON sms_receipts (smsc, message_id) WHERE applied_seq IS NULL;
`;
