-- Issue 13: withdrawing a need item, an earlier measure or a language (a correction is a
-- withdrawal and a new record). The withdrawn row stays, as the intake is append-only, but
-- is no longer read for the page; each record is withdrawn once, with who, when and why.
CREATE TABLE intake_withdrawals (
    kind           TEXT NOT NULL CHECK (kind IN ('behov', 'tidligere-tiltak', 'sprak')),
    record_id      BIGINT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    reason         TEXT NOT NULL,
    withdrawn_by   BIGINT NOT NULL REFERENCES users (id),
    withdrawn_at   TEXT NOT NULL,
    PRIMARY KEY (kind, record_id)
);
CREATE TRIGGER intake_withdrawals_no_update BEFORE UPDATE ON intake_withdrawals
BEGIN SELECT RAISE(ABORT, 'intake records are append-only'); END;
CREATE TRIGGER intake_withdrawals_no_delete BEFORE DELETE ON intake_withdrawals
BEGIN SELECT RAISE(ABORT, 'intake records are append-only'); END;
