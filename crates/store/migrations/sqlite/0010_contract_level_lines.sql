-- Statement lines for cohort-level outcomes belong to the whole contract, not to a participant
-- (docs/contracts.md, "Certified figures"): person_key and provider_id become optional (NULL
-- for such a line). SQLite cannot drop NOT NULL, so the table is rebuilt with its rows; its
-- append-only triggers go with the old table and are made again on the new one.
CREATE TABLE statement_lines_new (
    statement_id     BIGINT NOT NULL REFERENCES statements (id),
    seq              BIGINT NOT NULL,
    participant      TEXT NOT NULL,        -- the pseudonym, or "Kohort <cohort>"
    person_key       BIGINT,               -- NULL for a contract-level line
    provider_id      BIGINT REFERENCES providers (id),
    outcome          TEXT NOT NULL,
    achievement_date TEXT NOT NULL,
    occurrence       BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    adjustment       BOOLEAN NOT NULL,
    magnitude        TEXT,
    amount_ore       BIGINT NOT NULL,
    evidence         TEXT NOT NULL,
    contract_version BIGINT,
    PRIMARY KEY (statement_id, seq)
);
INSERT INTO statement_lines_new SELECT statement_id, seq, participant, person_key, provider_id,
    outcome, achievement_date, occurrence, kind, adjustment, magnitude, amount_ore, evidence,
    contract_version FROM statement_lines;
DROP TABLE statement_lines;
ALTER TABLE statement_lines_new RENAME TO statement_lines;
CREATE TRIGGER statement_lines_no_update BEFORE UPDATE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
CREATE TRIGGER statement_lines_no_delete BEFORE DELETE ON statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are append-only'); END;
