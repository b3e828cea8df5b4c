export const name = '0020_dispatch_evidence';

/**
 * Evidence a dispatcher crash must not lose (issue 19, item 8).
 * - `summons_sms_attempts`: one row per claim of an SMS, written in the claim's own transaction, before anything is
 *   sent. A crash between the submit and its record leaves message ids only the SMSC knows; their receipts still
 *   come (to any bind of the same system id) and name the handset and the SMSC's submit date, which this row ties
 *   to the claimed attempt (see recoverReceipts). `claimed_at` is the dispatcher's clock, as the SMSC dates its
 *   receipts; `lease_until` the database's, as the lease is.
 * - `summons_sms_messages.attempt`, `.submitted_at`: which attempt a message id belongs to (an attempt with none is
 *   one whose record was lost), and when its submit_sm_resp came, so a delivery report is never dated before it.
 * - `sms_receipts.destination`, `.submitted_at`: what the receipt says, for the match above. `unmatched_at`: a receipt
 *   that matched nothing within a bounded time is set aside (counted) instead of being looked at every round.
 */
export const sql = `
CREATE TABLE summons_sms_attempts (
  outbox_id   bigint NOT NULL REFERENCES summons_outbox (id),
  attempt     int NOT NULL,
  smsc        text NOT NULL,
  -- The handset's number as receipts name it (digits, no plus).
  number      text NOT NULL,
  claimed_at  timestamptz NOT NULL,
  lease_ms    int NOT NULL,
  lease_until timestamptz NOT NULL,
  PRIMARY KEY (outbox_id, attempt)
);
CREATE INDEX summons_sms_attempts_number ON summons_sms_attempts (smsc, number, claimed_at);

ALTER TABLE summons_sms_messages ADD COLUMN attempt int, ADD COLUMN submitted_at timestamptz;
CREATE INDEX summons_sms_messages_attempt ON summons_sms_messages (outbox_id, attempt);

ALTER TABLE sms_receipts ADD COLUMN destination text, ADD COLUMN submitted_at timestamptz, ADD COLUMN unmatched_at timestamptz;
DROP INDEX sms_receipts_unapplied;
CREATE INDEX sms_receipts_unapplied ON sms_receipts (smsc, message_id) WHERE applied_seq IS NULL AND unmatched_at IS NULL;
`;
