-- Issue 13: proposals (forslag) from a provider to Nav about a participation, as Nav's amt
-- services name them, and what approving one changes: the status history (rewritten in the
-- same transaction as the approval), the planned end date and the participation amount.
-- Proposals and their answers are append-only: a proposal, then at most one answer (approved,
-- rejected with a reason, withdrawn by the provider, or replaced by a newer proposal of the
-- same kind). An answer from Nav is an unread change for the provider until somebody there
-- marks it read.

-- The planned last day (sluttdato), once agreed.
ALTER TABLE participants ADD COLUMN planned_end TEXT;

-- How much of a full programme a participant takes part in, from a date; the newest row in
-- force counts. Append-only.
CREATE TABLE participation_amounts (
    id             INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    valid_from     TEXT NOT NULL,
    percent        BIGINT NOT NULL CHECK (percent BETWEEN 1 AND 100),
    days_per_week  BIGINT CHECK (days_per_week IS NULL OR days_per_week BETWEEN 1 AND 5),
    set_by         BIGINT NOT NULL REFERENCES users (id),
    set_at         TEXT NOT NULL
);
CREATE INDEX participation_amounts_by_participant ON participation_amounts (participant_id, id);

CREATE TABLE participation_proposals (
    id             INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    kind           TEXT NOT NULL CHECK (kind IN ('FORLENG_DELTAKELSE', 'AVSLUTT_DELTAKELSE',
        'IKKE_AKTUELL', 'DELTAKELSESMENGDE', 'STARTDATO', 'SLUTTDATO', 'SLUTTARSAK',
        'FJERN_OPPSTARTSDATO')),
    -- The date the change names (new end, start, valid-from), when it names one.
    new_date       TEXT,
    end_reason     TEXT,
    description    TEXT,
    percent        BIGINT,
    days_per_week  BIGINT,
    -- The provider's justification (begrunnelse), optional.
    justification  TEXT,
    proposed_by    BIGINT NOT NULL REFERENCES users (id),
    proposed_at    TEXT NOT NULL
);
CREATE INDEX participation_proposals_by_participant ON participation_proposals (participant_id, id);

CREATE TABLE participation_proposal_answers (
    proposal_id BIGINT PRIMARY KEY REFERENCES participation_proposals (id),
    status      TEXT NOT NULL CHECK (status IN ('GODKJENT', 'AVVIST', 'TILBAKEKALT', 'ERSTATTET')),
    reason      TEXT,
    replaced_by BIGINT REFERENCES participation_proposals (id),
    answered_by BIGINT NOT NULL REFERENCES users (id),
    answered_at TEXT NOT NULL,
    CHECK (status <> 'AVVIST' OR reason IS NOT NULL),
    CHECK ((status = 'ERSTATTET') = (replaced_by IS NOT NULL))
);

-- Nav's answer read by somebody at the provider ("marker som lest").
CREATE TABLE participation_answers_read (
    proposal_id BIGINT PRIMARY KEY REFERENCES participation_proposal_answers (proposal_id),
    read_by     BIGINT NOT NULL REFERENCES users (id),
    read_at     TEXT NOT NULL
);

CREATE TRIGGER participation_amounts_no_update BEFORE UPDATE ON participation_amounts
BEGIN SELECT RAISE(ABORT, 'participation amounts are append-only'); END;
CREATE TRIGGER participation_amounts_no_delete BEFORE DELETE ON participation_amounts
BEGIN SELECT RAISE(ABORT, 'participation amounts are append-only'); END;
CREATE TRIGGER participation_proposals_no_update BEFORE UPDATE ON participation_proposals
BEGIN SELECT RAISE(ABORT, 'proposals are append-only'); END;
CREATE TRIGGER participation_proposals_no_delete BEFORE DELETE ON participation_proposals
BEGIN SELECT RAISE(ABORT, 'proposals are append-only'); END;
CREATE TRIGGER participation_proposal_answers_no_update BEFORE UPDATE ON participation_proposal_answers
BEGIN SELECT RAISE(ABORT, 'proposal answers are append-only'); END;
CREATE TRIGGER participation_proposal_answers_no_delete BEFORE DELETE ON participation_proposal_answers
BEGIN SELECT RAISE(ABORT, 'proposal answers are append-only'); END;
CREATE TRIGGER participation_answers_read_no_update BEFORE UPDATE ON participation_answers_read
BEGIN SELECT RAISE(ABORT, 'read marks are append-only'); END;
CREATE TRIGGER participation_answers_read_no_delete BEFORE DELETE ON participation_answers_read
BEGIN SELECT RAISE(ABORT, 'read marks are append-only'); END;
