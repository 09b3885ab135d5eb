-- Issue 10: a national id change that cannot be made at once — the number is held by another
-- person in effekt, or it does not fit the person's date of birth — waits for a second Nav
-- user. The requester is answered the same way whichever it is, so the form is no way to test
-- whether a number is in effekt. Append-only: a request, then at most one decision.
CREATE TABLE id_change_requests (
    id           INTEGER PRIMARY KEY,
    person_key   BIGINT NOT NULL REFERENCES persons (key),
    national_id  TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at TEXT NOT NULL
);
CREATE INDEX id_change_requests_person ON id_change_requests (person_key);
CREATE TABLE id_change_decisions (
    request_id BIGINT PRIMARY KEY REFERENCES id_change_requests (id),
    confirmed  BOOLEAN NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decided_at TEXT NOT NULL
);
CREATE TRIGGER id_change_requests_no_update BEFORE UPDATE ON id_change_requests
BEGIN SELECT RAISE(ABORT, 'id change requests are append-only'); END;
CREATE TRIGGER id_change_requests_no_delete BEFORE DELETE ON id_change_requests
BEGIN SELECT RAISE(ABORT, 'id change requests are append-only'); END;
CREATE TRIGGER id_change_decisions_no_update BEFORE UPDATE ON id_change_decisions
BEGIN SELECT RAISE(ABORT, 'id change decisions are append-only'); END;
CREATE TRIGGER id_change_decisions_no_delete BEFORE DELETE ON id_change_decisions
BEGIN SELECT RAISE(ABORT, 'id change decisions are append-only'); END;
