-- Issue 13: Nav's draft of a referral before it is sent (amt's KLADD, UTKAST_TIL_PAMELDING)
-- and its end (AVBRUTT_UTKAST, or SENDT with the participant the referral made). A draft is
-- not a participant: no participant query, figure or export reads these tables, so a draft
-- is seen by the office's case officers only. The state is the newest step. Append-only.
CREATE TABLE referral_drafts (
    id            BIGSERIAL PRIMARY KEY,
    person_key    BIGINT NOT NULL REFERENCES persons (key),
    contract_id   BIGINT NOT NULL REFERENCES contracts (id),
    provider_id   BIGINT NOT NULL REFERENCES providers (id),
    nav_office_id BIGINT NOT NULL REFERENCES nav_offices (id),
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX referral_drafts_office ON referral_drafts (nav_office_id);

CREATE TABLE referral_draft_steps (
    draft_id       BIGINT NOT NULL REFERENCES referral_drafts (id),
    seq            INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN
        ('KLADD', 'UTKAST_TIL_PAMELDING', 'SENDT', 'AVBRUTT_UTKAST')),
    -- The participant a sent draft became.
    participant_id BIGINT REFERENCES participants (id),
    step_by        BIGINT NOT NULL REFERENCES users (id),
    step_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (draft_id, seq),
    CHECK ((state = 'SENDT') = (participant_id IS NOT NULL))
);

CREATE FUNCTION referral_drafts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'referral drafts are append-only';
END;
$$;
CREATE TRIGGER referral_drafts_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON referral_drafts
FOR EACH STATEMENT EXECUTE FUNCTION referral_drafts_append_only();
CREATE TRIGGER referral_draft_steps_no_change BEFORE UPDATE OR DELETE OR TRUNCATE
ON referral_draft_steps FOR EACH STATEMENT EXECUTE FUNCTION referral_drafts_append_only();
