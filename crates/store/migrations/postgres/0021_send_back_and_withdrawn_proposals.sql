-- Issue 12: the evaluator sends a statement back with a reason (a new step, `send_back`), and
-- the proposer withdraws an amendment still waiting for decisions (a new version state,
-- `withdrawn`, with who, when and why in `contract_version_withdrawals`).
ALTER TABLE statement_events DROP CONSTRAINT statement_events_step_check;
ALTER TABLE statement_events ADD CONSTRAINT statement_events_step_check
    CHECK (step IN ('compute', 'verify', 'approve', 'pay', 'send_back', 'withdraw'));

ALTER TABLE contract_versions DROP CONSTRAINT contract_versions_state_check;
ALTER TABLE contract_versions ADD CONSTRAINT contract_versions_state_check
    CHECK (state IN ('proposed', 'in_force', 'rejected', 'withdrawn'));

-- A withdrawn proposal: by the user who proposed it, with a reason. Append-only.
CREATE TABLE contract_version_withdrawals (
    contract_id BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    at          TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (contract_id, version),
    FOREIGN KEY (contract_id, version) REFERENCES contract_versions (contract_id, version)
);
CREATE FUNCTION contract_version_withdrawals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'withdrawals are append-only';
END;
$$;
CREATE TRIGGER contract_version_withdrawals_no_change
BEFORE UPDATE OR DELETE OR TRUNCATE ON contract_version_withdrawals
FOR EACH STATEMENT EXECUTE FUNCTION contract_version_withdrawals_append_only();
