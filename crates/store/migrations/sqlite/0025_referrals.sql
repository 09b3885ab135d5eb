-- Issue 13: a referral (henvisning) from a Nav case officer to a provider of a contract. The
-- participant row and its first status (SOKT_INN) are written with it, in one transaction;
-- the provider's answer is a change of that status history. Kept here: who referred, when,
-- and by when the provider should answer (the agreed limit). Append-only.
CREATE TABLE referrals (
    participant_id BIGINT PRIMARY KEY REFERENCES participants (id),
    referred_by    BIGINT NOT NULL REFERENCES users (id),
    referred_at    TEXT NOT NULL,
    answer_due     TEXT NOT NULL
);
CREATE TRIGGER referrals_no_update BEFORE UPDATE ON referrals
BEGIN SELECT RAISE(ABORT, 'referrals are append-only'); END;
CREATE TRIGGER referrals_no_delete BEFORE DELETE ON referrals
BEGIN SELECT RAISE(ABORT, 'referrals are append-only'); END;
