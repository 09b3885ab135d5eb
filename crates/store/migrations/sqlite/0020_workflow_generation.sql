-- Issue 12: the workflow generation. Every step on a statement (computed, verified, approved,
-- paid, withdrawn) and every proposal or decision on a contract version increases it in the
-- same transaction. The role homes keep what their tasks are worked out from under this and
-- the store generation together, so a home never lists a task that is already done, even
-- when several servers share one PostgreSQL. It is a number of its own so that a statement
-- step does not throw away the cached pricing, which does not depend on it.
CREATE TABLE workflow_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO workflow_generation (id, value) VALUES (1, 1);
