-- Issue 15: the effect evaluation (docs/evaluation.md).
--
-- The evaluation plan is registered before any result is shown, and versioned: each version is
-- the plan file as the evaluator registered it. A version registered after a run exists is a
-- deviation from the plan and carries the reason. Never changed or deleted.
CREATE TABLE evaluation_plans (
    id            BIGSERIAL PRIMARY KEY,
    contract_id   BIGINT NOT NULL REFERENCES contracts (id),
    version       BIGINT NOT NULL CHECK (version > 0),
    plan          TEXT NOT NULL,
    deviation     TEXT,
    registered_by BIGINT NOT NULL REFERENCES users (id),
    registered_at TIMESTAMPTZ NOT NULL,
    UNIQUE (contract_id, version)
);
CREATE FUNCTION evaluation_plans_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'evaluation plans are kept as registered'; END $$;
CREATE TRIGGER evaluation_plans_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON evaluation_plans
FOR EACH STATEMENT EXECUTE FUNCTION evaluation_plans_kept();

-- A run: what it was made from (plan version, register snapshot, effekt version, settings),
-- interim or final, its person-free result (JSON, docs/evaluation.md "What a run stores") and
-- its matched sets under pseudonyms (JSON; the evaluator's only). The one change allowed is
-- publishing it, once.
CREATE TABLE evaluation_runs (
    id             BIGSERIAL PRIMARY KEY,
    contract_id    BIGINT NOT NULL REFERENCES contracts (id),
    plan_version   BIGINT NOT NULL,
    snapshot_id    BIGINT NOT NULL REFERENCES register_snapshots (id),
    effekt_version TEXT NOT NULL,
    settings       TEXT NOT NULL,
    label          TEXT NOT NULL CHECK (label IN ('INTERIM', 'FINAL')),
    result         TEXT NOT NULL,
    matches        TEXT NOT NULL,
    run_by         BIGINT NOT NULL REFERENCES users (id),
    run_at         TIMESTAMPTZ NOT NULL,
    published_by   BIGINT REFERENCES users (id),
    published_at   TIMESTAMPTZ,
    FOREIGN KEY (contract_id, plan_version) REFERENCES evaluation_plans (contract_id, version)
);
CREATE INDEX evaluation_runs_contract ON evaluation_runs (contract_id, id);
CREATE FUNCTION evaluation_runs_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'evaluation runs are kept'; END $$;
CREATE TRIGGER evaluation_runs_no_delete BEFORE DELETE OR TRUNCATE ON evaluation_runs
FOR EACH STATEMENT EXECUTE FUNCTION evaluation_runs_kept();
CREATE FUNCTION evaluation_runs_only_publish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.published_at IS NOT NULL OR NEW.published_at IS NULL
       OR NEW.contract_id <> OLD.contract_id OR NEW.plan_version <> OLD.plan_version
       OR NEW.snapshot_id <> OLD.snapshot_id OR NEW.effekt_version <> OLD.effekt_version
       OR NEW.settings <> OLD.settings OR NEW.label <> OLD.label OR NEW.result <> OLD.result
       OR NEW.matches <> OLD.matches OR NEW.run_by <> OLD.run_by OR NEW.run_at <> OLD.run_at
    THEN
        RAISE EXCEPTION 'an evaluation run is only published, once';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER evaluation_runs_only_publish BEFORE UPDATE ON evaluation_runs
FOR EACH ROW EXECUTE FUNCTION evaluation_runs_only_publish();

-- Where a certified figure comes from: a run (run_id) or typed by the evaluator with a reason
-- (typed_reason). Figures certified before this migration have neither and show as typed.
ALTER TABLE certified_figures ADD COLUMN run_id BIGINT REFERENCES evaluation_runs (id);
ALTER TABLE certified_figures ADD COLUMN typed_reason TEXT;
