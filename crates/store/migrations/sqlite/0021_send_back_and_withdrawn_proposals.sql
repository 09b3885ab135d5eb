-- Issue 12: the evaluator sends a statement back with a reason (a new step, `send_back`), and
-- the proposer withdraws an amendment still waiting for decisions (a new version state,
-- `withdrawn`, with who, when and why in `contract_version_withdrawals`).
--
-- SQLite cannot change a CHECK constraint, so both tables are rebuilt with every row, and
-- their triggers made again. Foreign keys (decisions refer to versions) are checked when the
-- migration commits, once the rebuilt table holds every row again; DROP TABLE fires no
-- trigger, so the append-only rules stay intact for every row.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE statement_events_before_0021 AS SELECT * FROM statement_events;
DROP TABLE statement_events;
CREATE TABLE statement_events (
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    seq          BIGINT NOT NULL,
    step         TEXT NOT NULL
        CHECK (step IN ('compute', 'verify', 'approve', 'pay', 'send_back', 'withdraw')),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    at           TEXT NOT NULL,
    -- Why: a withdrawal over someone's steps, a send-back (required), a verifier's comment.
    reason       TEXT,
    PRIMARY KEY (statement_id, seq)
);
INSERT INTO statement_events (statement_id, seq, step, user_id, role, at, reason)
    SELECT statement_id, seq, step, user_id, role, at, reason FROM statement_events_before_0021;
DROP TABLE statement_events_before_0021;
CREATE TRIGGER statement_events_no_update BEFORE UPDATE ON statement_events
BEGIN SELECT RAISE(ABORT, 'statement events are append-only'); END;
CREATE TRIGGER statement_events_no_delete BEFORE DELETE ON statement_events
BEGIN SELECT RAISE(ABORT, 'statement events are append-only'); END;

CREATE TABLE contract_versions_before_0021 AS SELECT * FROM contract_versions;
DROP TABLE contract_versions;
CREATE TABLE contract_versions (
    contract_id    BIGINT NOT NULL REFERENCES contracts (id),
    version        BIGINT NOT NULL CHECK (version > 0),
    terms          TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    effective_from TEXT,
    state          TEXT NOT NULL DEFAULT 'in_force'
        CHECK (state IN ('proposed', 'in_force', 'rejected', 'withdrawn')),
    proposed_by    BIGINT REFERENCES users (id),
    source         TEXT,
    PRIMARY KEY (contract_id, version)
);
INSERT INTO contract_versions (contract_id, version, terms, imported_at, effective_from, state,
                               proposed_by, source)
    SELECT contract_id, version, terms, imported_at, effective_from, state, proposed_by, source
    FROM contract_versions_before_0021;
DROP TABLE contract_versions_before_0021;

-- A withdrawn proposal: by the user who proposed it, with a reason. Append-only.
CREATE TABLE contract_version_withdrawals (
    contract_id BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (contract_id, version),
    FOREIGN KEY (contract_id, version) REFERENCES contract_versions (contract_id, version)
);
CREATE TRIGGER contract_version_withdrawals_no_update BEFORE UPDATE ON contract_version_withdrawals
BEGIN SELECT RAISE(ABORT, 'withdrawals are append-only'); END;
CREATE TRIGGER contract_version_withdrawals_no_delete BEFORE DELETE ON contract_version_withdrawals
BEGIN SELECT RAISE(ABORT, 'withdrawals are append-only'); END;
