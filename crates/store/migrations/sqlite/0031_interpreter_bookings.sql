-- Issue 14, item 4: interpreters booked by the provider without a Nav step. A booking serves a
-- group's session or one participant's meeting (exactly one of the two), so its cost can be
-- counted per participant, group and contract. The booking itself is never changed: each step
-- (confirmed by the interpreter, held, cancelled with a reason) is appended, and the newest
-- step is where it stands (none: requested).
CREATE TABLE interpreter_bookings (
    id             INTEGER PRIMARY KEY,
    provider_id    BIGINT NOT NULL REFERENCES providers (id),
    contract_id    BIGINT NOT NULL REFERENCES contracts (id),
    session_id     BIGINT REFERENCES group_sessions (id),
    participant_id BIGINT REFERENCES participants (id),
    language       TEXT NOT NULL,
    -- The interpreter's name or number in Nasjonalt tolkeregister, as the provider books them.
    interpreter    TEXT NOT NULL,
    -- Oslo wall-clock time.
    starts_at      TEXT NOT NULL,
    minutes        INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 480),
    mode           TEXT NOT NULL CHECK (mode IN ('OPPMOTE', 'SKJERM')),
    -- The register's published qualification categories.
    qualification  TEXT NOT NULL CHECK (qualification IN ('A', 'B', 'C', 'D', 'E')),
    cost_ore       BIGINT NOT NULL CHECK (cost_ore >= 0),
    booked_by      BIGINT NOT NULL REFERENCES users (id),
    booked_at      TEXT NOT NULL,
    CHECK ((session_id IS NULL) <> (participant_id IS NULL))
);
CREATE INDEX interpreter_bookings_provider ON interpreter_bookings (provider_id, starts_at);
CREATE INDEX interpreter_bookings_booker ON interpreter_bookings (booked_by, starts_at);
CREATE INDEX interpreter_bookings_session ON interpreter_bookings (session_id);
CREATE INDEX interpreter_bookings_participant ON interpreter_bookings (participant_id);

CREATE TABLE interpreter_booking_steps (
    id         INTEGER PRIMARY KEY,
    booking_id BIGINT NOT NULL REFERENCES interpreter_bookings (id),
    state      TEXT NOT NULL CHECK (state IN ('BEKREFTET', 'GJENNOMFORT', 'AVBESTILT')),
    reason     TEXT,
    taken_by   BIGINT NOT NULL REFERENCES users (id),
    taken_at   TEXT NOT NULL,
    CHECK ((state = 'AVBESTILT') = (reason IS NOT NULL))
);
CREATE INDEX interpreter_booking_steps_booking ON interpreter_booking_steps (booking_id, id);

CREATE TRIGGER interpreter_bookings_no_update BEFORE UPDATE ON interpreter_bookings
BEGIN SELECT RAISE(ABORT, 'interpreter bookings are append-only'); END;
CREATE TRIGGER interpreter_bookings_no_delete BEFORE DELETE ON interpreter_bookings
BEGIN SELECT RAISE(ABORT, 'interpreter bookings are append-only'); END;
CREATE TRIGGER interpreter_booking_steps_no_update BEFORE UPDATE ON interpreter_booking_steps
BEGIN SELECT RAISE(ABORT, 'interpreter bookings are append-only'); END;
CREATE TRIGGER interpreter_booking_steps_no_delete BEFORE DELETE ON interpreter_booking_steps
BEGIN SELECT RAISE(ABORT, 'interpreter bookings are append-only'); END;
