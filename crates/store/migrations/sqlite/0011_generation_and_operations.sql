-- Issue 9: the store generation, where audit records come from, and the operations log.

-- One number that every write of what outcomes and payments are computed from (enrolments,
-- national id changes, register snapshots, contract terms and their outcomes, certified
-- figures) increases in the same transaction. The application caches judged outcomes and a
-- contract's pricing under it, so that several servers on one database never serve figures
-- older than the data they rest on.
CREATE TABLE store_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO store_generation (id, value) VALUES (1, 1);

-- Audit records written by the command line say so, with the operating-system user who ran
-- it beside the effekt user it claimed to be (`actor_name`). Earlier records are the web's.
ALTER TABLE audit_log ADD COLUMN channel TEXT NOT NULL DEFAULT 'web'
    CHECK (channel IN ('web', 'cli'));
ALTER TABLE audit_log ADD COLUMN os_user TEXT;

-- What operators did that is neither a read of a person nor a step on a contract: accounts
-- created from the command line, register snapshots imported, the audit log exported.
-- Append-only, like the audit log; exported with it as `audit:change`.
CREATE TABLE operations (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   BIGINT,                      -- none when bootstrapping the first account
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('web', 'cli')),
    os_user    TEXT
);
CREATE TRIGGER operations_no_update BEFORE UPDATE ON operations
BEGIN SELECT RAISE(ABORT, 'operations are append-only'); END;
CREATE TRIGGER operations_no_delete BEFORE DELETE ON operations
BEGIN SELECT RAISE(ABORT, 'operations are append-only'); END;
