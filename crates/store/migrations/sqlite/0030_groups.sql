-- Issue 14: groups over time, their sessions and attendance. A membership runs from a day to a
-- day (exclusive; NULL while still a member); participants.group_id stays the current group,
-- written in the same transaction, for the list's filter. Sessions are planned with a room (NULL:
-- remote), a teacher and a module of the plan's catalogue; a weekly series shares a series key.
-- A cancellation and each attendance mark are appended; the newest mark per participant and
-- session counts, so a correction is a new row with who and why.
CREATE TABLE group_memberships (
    id              INTEGER PRIMARY KEY,
    group_id        BIGINT NOT NULL REFERENCES participant_groups (id),
    participant_id  BIGINT NOT NULL REFERENCES participants (id),
    valid_from      TEXT NOT NULL,
    valid_to        TEXT,
    -- Why an 11th member was let in; NULL otherwise.
    override_reason TEXT,
    -- NULL for memberships that came with the participant (demo, fixture, before 0030).
    added_by        BIGINT REFERENCES users (id),
    added_at        TEXT,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX group_memberships_group ON group_memberships (group_id, valid_from);
CREATE INDEX group_memberships_participant ON group_memberships (participant_id);
INSERT INTO group_memberships (group_id, participant_id, valid_from)
SELECT pt.group_id, pt.id,
       COALESCE((SELECT MIN(s.valid_from) FROM participant_statuses s WHERE s.participant_id = pt.id),
                '2000-01-01')
FROM participants pt WHERE pt.group_id IS NOT NULL;

CREATE TABLE group_sessions (
    id          INTEGER PRIMARY KEY,
    group_id    BIGINT NOT NULL REFERENCES participant_groups (id),
    series      TEXT,
    -- Oslo wall-clock time.
    starts_at   TEXT NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 480),
    room        TEXT,
    teacher_id  BIGINT NOT NULL REFERENCES users (id),
    module      TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE INDEX group_sessions_group ON group_sessions (group_id, starts_at);
CREATE INDEX group_sessions_teacher ON group_sessions (teacher_id, starts_at);
CREATE INDEX group_sessions_room ON group_sessions (room, starts_at);

CREATE TABLE session_cancellations (
    session_id   BIGINT PRIMARY KEY REFERENCES group_sessions (id),
    reason       TEXT NOT NULL,
    cancelled_by BIGINT NOT NULL REFERENCES users (id),
    cancelled_at TEXT NOT NULL
);

CREATE TABLE attendance_marks (
    id             INTEGER PRIMARY KEY,
    session_id     BIGINT NOT NULL REFERENCES group_sessions (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    presence       TEXT NOT NULL CHECK (presence IN ('TILSTEDE', 'DIGITALT', 'FRAVAER')),
    absence_reason TEXT,
    -- Hours attended, an exact decimal as text ('2.5'), as provider evidence scores.
    hours          TEXT NOT NULL,
    -- Why a mark was corrected after the form was first taken; NULL the first time.
    correction     TEXT,
    recorded_by    BIGINT NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL,
    CHECK ((presence = 'FRAVAER') = (absence_reason IS NOT NULL))
);
CREATE INDEX attendance_marks_session ON attendance_marks (session_id, participant_id, id);
CREATE INDEX attendance_marks_participant ON attendance_marks (participant_id, session_id);

CREATE TRIGGER group_sessions_no_update BEFORE UPDATE ON group_sessions
BEGIN SELECT RAISE(ABORT, 'sessions are append-only'); END;
CREATE TRIGGER group_sessions_no_delete BEFORE DELETE ON group_sessions
BEGIN SELECT RAISE(ABORT, 'sessions are append-only'); END;
CREATE TRIGGER session_cancellations_no_update BEFORE UPDATE ON session_cancellations
BEGIN SELECT RAISE(ABORT, 'sessions are append-only'); END;
CREATE TRIGGER session_cancellations_no_delete BEFORE DELETE ON session_cancellations
BEGIN SELECT RAISE(ABORT, 'sessions are append-only'); END;
CREATE TRIGGER attendance_marks_no_update BEFORE UPDATE ON attendance_marks
BEGIN SELECT RAISE(ABORT, 'attendance is append-only'); END;
CREATE TRIGGER attendance_marks_no_delete BEFORE DELETE ON attendance_marks
BEGIN SELECT RAISE(ABORT, 'attendance is append-only'); END;
