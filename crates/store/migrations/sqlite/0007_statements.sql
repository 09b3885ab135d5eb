-- Payment statements (docs/contracts.md, "Statements"): one per contract and payment period
-- at a time. A statement is computed with its lines, then verified, approved twice and paid;
-- each step is an event. Nothing here is ever updated or deleted: a draft that is computed
-- again is withdrawn by an event and a new statement takes its place, and approved lines are
-- corrected only by adjustment lines on a later statement.
CREATE TABLE statements (
    id           INTEGER PRIMARY KEY,
    contract_id  BIGINT NOT NULL REFERENCES contracts (id),
    period       TEXT NOT NULL,            -- the label: 2026Q3, 2026-07, 2026H2 or 2026
    period_start TEXT NOT NULL,            -- its first day
    versions     TEXT NOT NULL,            -- the contract versions that priced it, e.g. "1,2"
    snapshot     TEXT NOT NULL,            -- the register snapshot it was priced from
    total_ore    BIGINT NOT NULL,
    computed_at  TEXT NOT NULL
);
CREATE INDEX statements_by_contract ON statements (contract_id, period_start);

-- The lines. `participant` is the contract's pseudonym; `person_key` is kept only to audit
-- reads of the lines and is never shown. `adjustment` lines correct earlier statements.
CREATE TABLE statement_lines (
    statement_id     BIGINT NOT NULL REFERENCES statements (id),
    seq              BIGINT NOT NULL,
    participant      TEXT NOT NULL,
    person_key       BIGINT NOT NULL,
    provider_id      BIGINT NOT NULL REFERENCES providers (id),
    outcome          TEXT NOT NULL,
    achievement_date TEXT NOT NULL,
    occurrence       BIGINT NOT NULL,
    kind             TEXT NOT NULL,        -- payment | cap:outcome|participant|period|contract
    adjustment       BOOLEAN NOT NULL,
    magnitude        TEXT,
    amount_ore       BIGINT NOT NULL,
    evidence         TEXT NOT NULL,
    contract_version BIGINT,
    PRIMARY KEY (statement_id, seq)
);

-- Every step: compute, verify, approve, pay or withdraw, by whom and when. `seq` counts from
-- 0 per statement, so two users taking the same step at once cannot both succeed.
CREATE TABLE statement_events (
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    seq          BIGINT NOT NULL,
    step         TEXT NOT NULL CHECK (step IN ('compute', 'verify', 'approve', 'pay', 'withdraw')),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (statement_id, seq)
);

CREATE TRIGGER statements_no_update BEFORE UPDATE ON statements
BEGIN SELECT RAISE(ABORT, 'statements are append-only'); END;
CREATE TRIGGER statements_no_delete BEFORE DELETE ON statements
BEGIN SELECT RAISE(ABORT, 'statements are append-only'); END;
CREATE TRIGGER statement_lines_no_update BEFORE UPDATE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
CREATE TRIGGER statement_lines_no_delete BEFORE DELETE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
CREATE TRIGGER statement_events_no_update BEFORE UPDATE ON statement_events
BEGIN SELECT RAISE(ABORT, 'statement events are append-only'); END;
CREATE TRIGGER statement_events_no_delete BEFORE DELETE ON statement_events
BEGIN SELECT RAISE(ABORT, 'statement events are append-only'); END;
