export const name = '0005_egov';

/**
 * The e-Gov channel of summonses.
 *
 * - `summons_outbox` also carries channel 'egov': destination is the e-Gov account (the person's IIN), number_basis
 *   is empty, `title` is the message title (e-Gov messages have one; SMS do not), `text` the body. Claims are per
 *   channel, so the due index leads with it. 'submitted' on an e-Gov row means posted to the account.
 * - `summons_egov_messages`: the e-Gov message id of every recorded post (ids are unique per service) and the read
 *   status last recorded as evidence, so a poll appends read_status only when it changes. next_check_at schedules
 *   the polls; a message reported read is final and leaves the due index.
 */
export const sql = `
ALTER TABLE summons_outbox DROP CONSTRAINT summons_outbox_channel_check;
ALTER TABLE summons_outbox ADD CONSTRAINT summons_outbox_channel_check CHECK (channel IN ('sms', 'egov'));
ALTER TABLE summons_outbox ADD COLUMN title text;
ALTER TABLE summons_outbox ADD CONSTRAINT summons_outbox_title_egov_only CHECK ((title IS NOT NULL) = (channel = 'egov'));
DROP INDEX summons_outbox_due;
CREATE INDEX summons_outbox_due ON summons_outbox (channel, available_at, id) WHERE state IN ('pending', 'sending');

CREATE TABLE summons_egov_messages (
  service       text NOT NULL,
  message_id    text NOT NULL,
  summons_id    bigint NOT NULL REFERENCES summonses (id),
  outbox_id     bigint NOT NULL UNIQUE REFERENCES summons_outbox (id),
  account       char(12) NOT NULL,
  posted_at     timestamptz NOT NULL,
  read_status   text CHECK (read_status IN ('read', 'unread')),
  read_at       timestamptz,
  checks        int NOT NULL DEFAULT 0,
  next_check_at timestamptz NOT NULL,
  last_error    text,
  PRIMARY KEY (service, message_id)
);
CREATE INDEX summons_egov_messages_due ON summons_egov_messages (service, next_check_at) WHERE read_status IS DISTINCT FROM 'read';
`;
