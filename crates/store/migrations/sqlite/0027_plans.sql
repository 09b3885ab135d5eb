-- Issue 13, item 3: the individual plan. Each saved plan is a new version (track, days per
-- week, remote days, the date it applies from) with its modules; the participant's approval
-- belongs to one version and is recorded by staff (in person, or on the participant's behalf
-- with a reason). Everyday learning tasks are assigned and completed once. All append-only.
CREATE TABLE plans (
    id             INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    version        INTEGER NOT NULL,
    track          TEXT NOT NULL,
    days_per_week  INTEGER NOT NULL CHECK (days_per_week BETWEEN 1 AND 5),
    remote_days    INTEGER NOT NULL,
    valid_from     TEXT NOT NULL,
    written_by     BIGINT NOT NULL REFERENCES users (id),
    written_at     TEXT NOT NULL,
    UNIQUE (participant_id, version),
    CHECK (remote_days BETWEEN 0 AND days_per_week)
);

-- A plan without a module is refused before it gets here; the modules of a version.
CREATE TABLE plan_modules (
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    module  TEXT NOT NULL,
    PRIMARY KEY (plan_id, module)
);

CREATE TABLE plan_approvals (
    plan_id     BIGINT PRIMARY KEY REFERENCES plans (id),
    how         TEXT NOT NULL CHECK (how IN ('SELV', 'PA_VEGNE')),
    reason      TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    CHECK ((how = 'PA_VEGNE') = (reason IS NOT NULL))
);

CREATE TABLE learning_tasks (
    id             INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    task           TEXT NOT NULL,
    assigned_on    TEXT NOT NULL,
    assigned_by    BIGINT NOT NULL REFERENCES users (id),
    assigned_at    TEXT NOT NULL
);
CREATE INDEX learning_tasks_participant ON learning_tasks (participant_id);

CREATE TABLE learning_task_completions (
    task_id      BIGINT PRIMARY KEY REFERENCES learning_tasks (id),
    completed_on TEXT NOT NULL,
    recorded_by  BIGINT NOT NULL REFERENCES users (id),
    recorded_at  TEXT NOT NULL
);

CREATE TRIGGER plans_no_update BEFORE UPDATE ON plans
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER plans_no_delete BEFORE DELETE ON plans
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER plan_modules_no_update BEFORE UPDATE ON plan_modules
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER plan_modules_no_delete BEFORE DELETE ON plan_modules
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER plan_approvals_no_update BEFORE UPDATE ON plan_approvals
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER plan_approvals_no_delete BEFORE DELETE ON plan_approvals
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER learning_tasks_no_update BEFORE UPDATE ON learning_tasks
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER learning_tasks_no_delete BEFORE DELETE ON learning_tasks
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER learning_task_completions_no_update BEFORE UPDATE ON learning_task_completions
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
CREATE TRIGGER learning_task_completions_no_delete BEFORE DELETE ON learning_task_completions
BEGIN SELECT RAISE(ABORT, 'plans are append-only'); END;
