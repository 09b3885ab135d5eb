-- Contract terms as agreed (docs/contracts.md): every import of a contract file is a new
-- version, kept whole as JSON of the domain's ContractTerms, so that any achievement can be
-- priced again under the version that was in force. Amendments (effective dates, approvals)
-- will add columns here.
CREATE TABLE contract_versions (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    version     BIGINT NOT NULL CHECK (version > 0),
    terms       TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, version)
);
