-- Issue 12: the import log. Every import effekt is asked to make (a register snapshot, provider
-- evidence, a contract file) leaves one row here, whether it was applied, found unchanged,
-- refused for its content or failed in the store. A refused import stores nothing else, so
-- without this row nobody would know that last night's file never arrived; the homes list a
-- failure as a task until a later import of the same kind and scope succeeds. Problems are
-- kept as the operator saw them (the first 20), with any line that might hold a national id
-- left out. Written with the workflow generation increased, so the homes see it at once.
CREATE TABLE import_runs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('register', 'evidence', 'contract')),
    -- What a later success must cover to settle a failure: '' for the register (any newer
    -- snapshot), 'contract:N' for evidence and contract files, 'new' for a new contract.
    scope         TEXT NOT NULL,
    -- The file or folder name as given, without the path before it.
    source        TEXT NOT NULL,
    at            TEXT NOT NULL,
    actor_id      BIGINT REFERENCES users (id),
    actor_name    TEXT NOT NULL,
    result        TEXT NOT NULL CHECK (result IN ('applied', 'unchanged', 'refused', 'failed')),
    problem_count BIGINT NOT NULL CHECK (problem_count >= 0),
    -- One problem per line.
    problems      TEXT NOT NULL
);
CREATE INDEX import_runs_by_kind ON import_runs (kind, scope, id);
