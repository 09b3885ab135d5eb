-- Issue 13, item 3: the individual plan. Each saved plan is a new version (track, days per
-- week, remote days, the date it applies from) with its modules; the participant's approval
-- belongs to one version and is recorded by staff (in person, or on the participant's behalf
-- with a reason). Everyday learning tasks are assigned and completed once. All append-only.
CREATE TABLE plans (
    id             BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    version        INTEGER NOT NULL,
    track          TEXT NOT NULL,
    days_per_week  INTEGER NOT NULL CHECK (days_per_week BETWEEN 1 AND 5),
    remote_days    INTEGER NOT NULL,
    valid_from     DATE NOT NULL,
    written_by     BIGINT NOT NULL REFERENCES users (id),
    written_at     TIMESTAMPTZ NOT NULL,
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
    recorded_at TIMESTAMPTZ NOT NULL,
    CHECK ((how = 'PA_VEGNE') = (reason IS NOT NULL))
);

CREATE TABLE learning_tasks (
    id             BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    task           TEXT NOT NULL,
    assigned_on    DATE NOT NULL,
    assigned_by    BIGINT NOT NULL REFERENCES users (id),
    assigned_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX learning_tasks_participant ON learning_tasks (participant_id);

CREATE TABLE learning_task_completions (
    task_id      BIGINT PRIMARY KEY REFERENCES learning_tasks (id),
    completed_on DATE NOT NULL,
    recorded_by  BIGINT NOT NULL REFERENCES users (id),
    recorded_at  TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION plans_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'plans are append-only';
END;
$$;
CREATE TRIGGER plans_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON plans
FOR EACH STATEMENT EXECUTE FUNCTION plans_append_only();
CREATE TRIGGER plan_modules_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON plan_modules
FOR EACH STATEMENT EXECUTE FUNCTION plans_append_only();
CREATE TRIGGER plan_approvals_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON plan_approvals
FOR EACH STATEMENT EXECUTE FUNCTION plans_append_only();
CREATE TRIGGER learning_tasks_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON learning_tasks
FOR EACH STATEMENT EXECUTE FUNCTION plans_append_only();
CREATE TRIGGER learning_task_completions_no_change BEFORE UPDATE OR DELETE OR TRUNCATE
ON learning_task_completions FOR EACH STATEMENT EXECUTE FUNCTION plans_append_only();
