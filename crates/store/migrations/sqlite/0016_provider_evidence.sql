-- Outcomes that rest on the provider's own records (issue 11): a verified milestone (an
-- assessment, a qualification) or a soft-survey score, recorded by one named person and
-- verified by another. Keyed the way outcome kinds match them: the milestone's or the
-- instrument's identifier, not a contract's outcome name. Append-only: a later row with the
-- same `record_id` for the same participant replaces the record (a correction) or withdraws
-- it (`retracted`); the newest row per record counts, and only a verified one is priced. A
-- retraction of a paid record is reversed by the next open statement's adjustment lines.
CREATE TABLE provider_evidence (
    id             INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    record_id      TEXT NOT NULL,
    identifier     TEXT NOT NULL,
    achieved_on    TEXT NOT NULL,
    score          TEXT,                    -- exact decimal for a soft score; empty for a milestone
    recorded_by    TEXT NOT NULL,
    verified_by    TEXT,
    verified_on    TEXT,
    retracted      BOOLEAN NOT NULL DEFAULT FALSE,
    imported_by    BIGINT NOT NULL REFERENCES users (id),
    imported_at    TEXT NOT NULL,
    CHECK (verified_by IS NULL OR verified_by <> recorded_by),
    CHECK ((verified_by IS NULL) = (verified_on IS NULL))
);
CREATE INDEX provider_evidence_by_participant ON provider_evidence (participant_id, record_id, id);
CREATE TRIGGER provider_evidence_no_update BEFORE UPDATE ON provider_evidence
BEGIN SELECT RAISE(ABORT, 'provider evidence is append-only'); END;
CREATE TRIGGER provider_evidence_no_delete BEFORE DELETE ON provider_evidence
BEGIN SELECT RAISE(ABORT, 'provider evidence is append-only'); END;
