-- Issue 13, item 1: intake. What Nav shares with the provider at the start (need items, each
-- with the law that allows it and the purpose, never consent), and what the provider records
-- when the participant arrives: earlier measures and practice periods, languages and the need
-- for an interpreter, and the screening (special-category data, read field by field).
-- All append-only: a correction is a newer row; for a screening field the newest row counts.
CREATE TABLE need_items (
    id             BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    item           TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    content        TEXT NOT NULL,
    shared_by      BIGINT NOT NULL REFERENCES users (id),
    shared_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX need_items_participant ON need_items (participant_id);

CREATE TABLE screenings (
    id             BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    field          TEXT NOT NULL,
    finding        TEXT NOT NULL,
    note           TEXT,
    recorded_by    BIGINT NOT NULL REFERENCES users (id),
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX screenings_participant ON screenings (participant_id, field, id);

CREATE TABLE earlier_measures (
    id             BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    kind           TEXT NOT NULL CHECK (kind IN ('TILTAK', 'PRAKSIS')),
    description    TEXT NOT NULL,
    from_date      DATE NOT NULL,
    to_date        DATE,
    recorded_by    BIGINT NOT NULL REFERENCES users (id),
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX earlier_measures_participant ON earlier_measures (participant_id);

CREATE TABLE participant_languages (
    id             BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    language       TEXT NOT NULL,
    mother_tongue  BOOLEAN NOT NULL,
    interpreter    BOOLEAN NOT NULL,
    recorded_by    BIGINT NOT NULL REFERENCES users (id),
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX participant_languages_participant ON participant_languages (participant_id);

CREATE FUNCTION intake_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'intake records are append-only';
END;
$$;
CREATE TRIGGER need_items_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON need_items
FOR EACH STATEMENT EXECUTE FUNCTION intake_append_only();
CREATE TRIGGER screenings_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON screenings
FOR EACH STATEMENT EXECUTE FUNCTION intake_append_only();
CREATE TRIGGER earlier_measures_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON earlier_measures
FOR EACH STATEMENT EXECUTE FUNCTION intake_append_only();
CREATE TRIGGER participant_languages_no_change BEFORE UPDATE OR DELETE OR TRUNCATE
ON participant_languages FOR EACH STATEMENT EXECUTE FUNCTION intake_append_only();
