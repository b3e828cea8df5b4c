export const name = '0009_alerts';

/**
 * Public alerts (CAP 1.2). An alert is a row that never changes plus an append-only action log its state is folded
 * from; every CAP message published is kept exactly as it went out (its XML), with the regions it targeted. Official
 * statements rebutting false claims are linked to an alert. The outbox carries the SMS to people in the target
 * regions and one cell-broadcast row per region, recorded in the transaction that publishes the message.
 * refuse_change() (0003) keeps the record tables append-only in the database itself.
 */
export const sql = `
CREATE TABLE alerts (
  id              bigserial PRIMARY KEY,
  status          text NOT NULL CHECK (status IN ('Actual', 'Exercise', 'Test')),
  idempotency_key text UNIQUE,
  created_at      timestamptz NOT NULL,
  created_by      text NOT NULL
);

CREATE TABLE alert_actions (
  alert_id bigint NOT NULL REFERENCES alerts (id),
  seq      int NOT NULL,
  at       timestamptz NOT NULL,
  actor    text NOT NULL,
  kind     text NOT NULL CHECK (kind IN ('draft', 'revise', 'approve', 'publish', 'discard')),
  action   jsonb NOT NULL,
  PRIMARY KEY (alert_id, seq)
);

CREATE TABLE alert_messages (
  alert_id   bigint NOT NULL REFERENCES alerts (id),
  n          int NOT NULL,
  identifier text NOT NULL UNIQUE,
  msg_type   text NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
  kind       text NOT NULL CHECK (kind IN ('alert', 'update', 'cancel', 'all_clear')),
  sent       timestamptz NOT NULL,
  expires    timestamptz,
  regions    text[] NOT NULL,
  xml        text NOT NULL,
  PRIMARY KEY (alert_id, n)
);
CREATE INDEX alert_messages_sent ON alert_messages (sent DESC);

CREATE TABLE alert_statements (
  id        bigserial PRIMARY KEY,
  alert_id  bigint NOT NULL REFERENCES alerts (id),
  issued_at timestamptz NOT NULL,
  issued_by text NOT NULL,
  claim     text NOT NULL,
  words     jsonb NOT NULL
);
CREATE INDEX alert_statements_alert ON alert_statements (alert_id, id);

CREATE TABLE alert_outbox (
  id           bigserial PRIMARY KEY,
  alert_id     bigint NOT NULL REFERENCES alerts (id),
  message_n    int NOT NULL,
  channel      text NOT NULL CHECK (channel IN ('sms', 'cell_broadcast')),
  -- A mobile number for SMS, a region code for cell broadcast.
  destination  text NOT NULL,
  text         text NOT NULL,
  exercise     boolean NOT NULL,
  state        text NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'sending', 'submitted', 'failed', 'refused', 'superseded', 'expired')),
  attempts     int NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL,
  lease_until  timestamptz,
  claimed_by   text,
  gateway      text,
  message_ids  text[],
  delivered    int NOT NULL DEFAULT 0,
  last_error   text,
  UNIQUE (alert_id, message_n, channel, destination)
);
CREATE INDEX alert_outbox_due ON alert_outbox (channel, exercise, state, available_at);

CREATE TABLE alert_sms_parts (
  smsc       text NOT NULL,
  message_id text NOT NULL,
  outbox_id  bigint NOT NULL REFERENCES alert_outbox (id),
  status     text,
  PRIMARY KEY (smsc, message_id)
);

CREATE TRIGGER alerts_append_only BEFORE UPDATE OR DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER alert_actions_append_only BEFORE UPDATE OR DELETE ON alert_actions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER alert_messages_append_only BEFORE UPDATE OR DELETE ON alert_messages FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER alert_statements_append_only BEFORE UPDATE OR DELETE ON alert_statements FOR EACH ROW EXECUTE FUNCTION refuse_change();
`;
