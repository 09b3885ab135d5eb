-- Amendments (docs/contracts.md, "Amendments"): a version is proposed by one party with an
-- effective date and is in force once every party it needs has approved it. Versions stored
-- before this migration, and versions imported from files, are in force from the contract's
-- start (effective_from NULL). `source` keeps the contract file text the version was read from,
-- so the next amendment can start from it.
ALTER TABLE contract_versions ADD COLUMN effective_from DATE;
ALTER TABLE contract_versions ADD COLUMN state TEXT NOT NULL DEFAULT 'in_force'
    CHECK (state IN ('proposed', 'in_force', 'rejected'));
ALTER TABLE contract_versions ADD COLUMN proposed_by BIGINT REFERENCES users (id);
ALTER TABLE contract_versions ADD COLUMN source TEXT;

-- Each party's answer to a proposed version, by the user who gave it; one per party.
-- Append-only: an answer given is never changed.
CREATE TABLE contract_version_decisions (
    contract_id BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    party_role  TEXT NOT NULL CHECK (party_role IN ('nav', 'provider', 'investor', 'evaluator')),
    party_orgnr TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    decision    TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (contract_id, version, party_role, party_orgnr),
    FOREIGN KEY (contract_id, version) REFERENCES contract_versions (contract_id, version)
);
CREATE FUNCTION contract_version_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'decisions are append-only';
END;
$$;
CREATE TRIGGER contract_version_decisions_no_change
BEFORE UPDATE OR DELETE OR TRUNCATE ON contract_version_decisions
FOR EACH STATEMENT EXECUTE FUNCTION contract_version_decisions_append_only();
