export const name = '0018_alert_receipts';

/**
 * Alert delivery receipts, applied in batches. One region-wide alert (10,666 SMS) made every receipt a transaction
 * of its own with a sequential scan of alert_sms_parts (the "all parts delivered?" check has no index on outbox_id),
 * and receipts that never matched were tried again every round, for ever. Now:
 * - `alert_sms_parts_outbox` serves that check; the receipt's own lookup is the primary key (smsc, message_id).
 * - `alert_receipts` is the inbox of receipts heard and not yet matched to a recorded part: a receipt can come
 *   before its submit is recorded. Matched ones are applied and deleted; unmatched ones expire (counted) after a
 *   bounded time or number of sweeps. Operators' figures, not evidence: nothing here is append-only.
 * - `alert_outbox.unconfirmed_at`: a submit whose answer never came (reply timeout, connection lost) may be with the
 *   SMSC. The row is held instead of sent again at once; a receipt from its number with an unknown message id proves
 *   the SMSC took it (the row becomes submitted), and only a hold that runs out sends it again.
 */
export const sql = `
CREATE INDEX alert_sms_parts_outbox ON alert_sms_parts (outbox_id);

CREATE TABLE alert_receipts (
  smsc        text NOT NULL,
  message_id  text NOT NULL,
  status      text NOT NULL,
  -- The handset's number as the receipt names it (digits, no plus).
  destination text NOT NULL,
  received_at timestamptz NOT NULL,
  sweeps      int NOT NULL DEFAULT 0,
  PRIMARY KEY (smsc, message_id)
);
CREATE INDEX alert_receipts_destination ON alert_receipts (smsc, destination);

ALTER TABLE alert_outbox ADD COLUMN unconfirmed_at timestamptz;
CREATE INDEX alert_outbox_unconfirmed ON alert_outbox (gateway, (ltrim(destination, '+'))) WHERE unconfirmed_at IS NOT NULL;
`;
