-- Alert outbox bookkeeping (issue 6).
-- alerts.status is now: pending | sending | sent | failed | filtered | unknown
--   sending: committed just before the channel is called; "sent" is committed right after it
--            accepted. A row still "sending" after a crash may or may not have been delivered.
--   unknown: such a row, parked for a human when [alerts] interrupted_send = "hold".
ALTER TABLE alerts ADD COLUMN sending_at TIMESTAMP;

-- One row per digest message set sent to a digest-mode channel (one per period).
CREATE TABLE alert_digests (
    channel  VARCHAR NOT NULL,               -- channel key
    sent_at  TIMESTAMP NOT NULL,
    stories  INTEGER NOT NULL,
    alerts   INTEGER NOT NULL,
    messages INTEGER NOT NULL,
    PRIMARY KEY (channel, sent_at)
);
