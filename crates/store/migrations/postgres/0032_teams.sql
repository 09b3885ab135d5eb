-- Issue 14, item 3: the provider's interdisciplinary team. Each provider staff member has a
-- discipline (NULL for every other role); what a discipline may read is decided in the domain
-- (effekt_domain::team). Existing staff become veiledere, the most common discipline; their
-- admin changes it under Brukere.
ALTER TABLE users ADD COLUMN discipline TEXT
    CHECK (discipline IN ('KOORDINATOR', 'VEILEDER', 'JOBBSPESIALIST', 'SPESIALPEDAGOG',
                          'LAERER', 'HELSE'));
UPDATE users SET discipline = 'VEILEDER' WHERE role = 'PROVIDER_STAFF';

-- A participant's team over time: one main veileder, up to three co-veiledere, other members.
-- A membership runs from a day to a day (exclusive; NULL while on the team). Memberships are
-- never deleted; ending one sets valid_to with who and when. While a membership is current the
-- pair is also in staff_assignments (which unmasks a protected person), in the same
-- transaction, so every existing check of "assigned" means "on the team" for provider staff.
CREATE TABLE team_memberships (
    id             BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    user_id        BIGINT NOT NULL REFERENCES users (id),
    position       TEXT NOT NULL CHECK (position IN ('HOVEDVEILEDER', 'MEDVEILEDER', 'MEDLEM')),
    valid_from     DATE NOT NULL,
    valid_to       DATE,
    added_by       BIGINT REFERENCES users (id),
    added_at       TIMESTAMPTZ,
    ended_by       BIGINT REFERENCES users (id),
    ended_at       TIMESTAMPTZ,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX team_memberships_participant ON team_memberships (participant_id, valid_to);
CREATE INDEX team_memberships_user ON team_memberships (user_id, valid_to);
-- One current membership per person and participant; one current main veileder.
CREATE UNIQUE INDEX team_memberships_current ON team_memberships (participant_id, user_id)
    WHERE valid_to IS NULL;
CREATE UNIQUE INDEX team_memberships_main ON team_memberships (participant_id)
    WHERE valid_to IS NULL AND position = 'HOVEDVEILEDER';

-- Provider staff already assigned to a participant of their own provider are on its team.
INSERT INTO team_memberships (participant_id, user_id, position, valid_from)
SELECT sa.participant_id, sa.user_id, 'MEDLEM', CURRENT_DATE
FROM staff_assignments sa
JOIN users u ON u.id = sa.user_id
JOIN participants pt ON pt.id = sa.participant_id
WHERE u.role = 'PROVIDER_STAFF' AND u.provider_id = pt.provider_id;

-- The history stays: a membership is never deleted or truncated, and the one change allowed is
-- its end.
CREATE FUNCTION team_memberships_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'team memberships are kept'; END $$;
CREATE TRIGGER team_memberships_no_delete BEFORE DELETE OR TRUNCATE ON team_memberships
FOR EACH STATEMENT EXECUTE FUNCTION team_memberships_kept();
CREATE FUNCTION team_memberships_only_end() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL
       OR NEW.participant_id <> OLD.participant_id OR NEW.user_id <> OLD.user_id
       OR NEW.position <> OLD.position OR NEW.valid_from <> OLD.valid_from
       OR NEW.added_by IS DISTINCT FROM OLD.added_by OR NEW.added_at IS DISTINCT FROM OLD.added_at
    THEN
        RAISE EXCEPTION 'a team membership only ends';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER team_memberships_only_end BEFORE UPDATE ON team_memberships
FOR EACH ROW EXECUTE FUNCTION team_memberships_only_end();
