-- effekt foundation schema, SQLite dialect. The PostgreSQL file of the same number defines the
-- same tables and columns; a store test compares them. Dates are ISO text (YYYY-MM-DD), which
-- sorts chronologically; money is integer øre; booleans are 0/1.

-- Nav offices (enheter), identified by their four-digit unit number.
CREATE TABLE nav_offices (
    id          INTEGER PRIMARY KEY,
    unit_number TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL
);

-- Provider organisations (tiltaksleverandører).
CREATE TABLE providers (
    id    INTEGER PRIMARY KEY,
    orgnr TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('LARGE', 'SMALL', 'SOCIAL_ENTERPRISE'))
);

CREATE TABLE investors (
    id    INTEGER PRIMARY KEY,
    orgnr TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('BUSINESS', 'FOUNDATION', 'IMPACT'))
);

CREATE TABLE contracts (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    starts        TEXT NOT NULL,
    ends          TEXT NOT NULL,
    target_cohort BIGINT NOT NULL CHECK (target_cohort > 0),
    CHECK (ends > starts)
);

-- Which Nav offices refer participants to a contract.
CREATE TABLE contract_nav_offices (
    contract_id   BIGINT NOT NULL REFERENCES contracts (id),
    nav_office_id BIGINT NOT NULL REFERENCES nav_offices (id),
    PRIMARY KEY (contract_id, nav_office_id)
);

-- The provider consortium of a contract and each member's sub-delivery.
CREATE TABLE consortium_members (
    contract_id  BIGINT NOT NULL REFERENCES contracts (id),
    provider_id  BIGINT NOT NULL REFERENCES providers (id),
    is_lead      BOOLEAN NOT NULL,
    sub_delivery TEXT NOT NULL,
    PRIMARY KEY (contract_id, provider_id)
);

CREATE TABLE commitments (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    investor_id BIGINT NOT NULL REFERENCES investors (id),
    amount_ore  BIGINT NOT NULL CHECK (amount_ore >= 0),
    PRIMARY KEY (contract_id, investor_id)
);

-- Groups of 8-10 participants run by one provider.
CREATE TABLE participant_groups (
    id          INTEGER PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    provider_id BIGINT NOT NULL REFERENCES providers (id),
    name        TEXT NOT NULL
);

-- Persons: the key is internal and stable; national ids live in person_ids.
CREATE TABLE persons (
    key              INTEGER PRIMARY KEY,
    given_name       TEXT NOT NULL,
    family_name      TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    country_of_birth TEXT NOT NULL,
    address          TEXT,
    phone            TEXT,
    protection       TEXT NOT NULL DEFAULT 'NONE' CHECK (protection IN
        ('NONE', 'STRENGT_FORTROLIG', 'STRENGT_FORTROLIG_UTLAND', 'FORTROLIG', 'SKJERMET')),
    -- Lower-cased name and current national id, maintained by the store, so that search is
    -- case-insensitive for all letters (SQLite's lower() folds ASCII only).
    search_text      TEXT NOT NULL
);

-- Id history: every national id a person has held. A number belongs to one person forever.
CREATE TABLE person_ids (
    person_key  BIGINT NOT NULL REFERENCES persons (key),
    national_id TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    PRIMARY KEY (person_key, national_id)
);

CREATE TABLE households (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE household_members (
    household_id BIGINT NOT NULL REFERENCES households (id),
    person_key   BIGINT NOT NULL REFERENCES persons (key),
    kind         TEXT NOT NULL CHECK (kind IN ('PARENT', 'YOUTH', 'CHILD', 'OTHER')),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    PRIMARY KEY (household_id, person_key, valid_from)
);

-- Participants: enrolments of persons in contracts. current_status and index_date are derived
-- from participant_statuses and kept in step by the store, for filtering and sorting.
CREATE TABLE participants (
    id             INTEGER PRIMARY KEY,
    person_key     BIGINT NOT NULL REFERENCES persons (key),
    contract_id    BIGINT NOT NULL REFERENCES contracts (id),
    provider_id    BIGINT NOT NULL REFERENCES providers (id),
    nav_office_id  BIGINT NOT NULL REFERENCES nav_offices (id),
    group_id       BIGINT REFERENCES participant_groups (id),
    household_id   BIGINT REFERENCES households (id),
    current_status TEXT NOT NULL,
    index_date     TEXT,
    UNIQUE (person_key, contract_id)
);
CREATE INDEX participants_by_provider ON participants (provider_id, current_status);
CREATE INDEX participants_by_office ON participants (nav_office_id, current_status);

CREATE TABLE participant_statuses (
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    seq            BIGINT NOT NULL,
    status         TEXT NOT NULL,
    end_reason     TEXT,
    description    TEXT,
    valid_from     TEXT NOT NULL,
    valid_to       TEXT,
    PRIMARY KEY (participant_id, seq)
);

-- Accounts. Exactly the scope column that fits the role is set (checked in the store).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    nav_office_id BIGINT REFERENCES nav_offices (id),
    provider_id   BIGINT REFERENCES providers (id),
    investor_id   BIGINT REFERENCES investors (id),
    active        BOOLEAN NOT NULL DEFAULT 1
);

-- Staff assigned to a participant: the only people who see a protected person unmasked.
CREATE TABLE staff_assignments (
    user_id        BIGINT NOT NULL REFERENCES users (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    PRIMARY KEY (user_id, participant_id)
);
CREATE INDEX staff_assignments_by_participant ON staff_assignments (participant_id);

-- Sessions: only a hash of the cookie token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Secrets generated at first start (e.g. the demo pseudonym key). Production supplies its own.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- The audit log of reads of personal data. Append-only: the triggers below refuse changes.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    BIGINT NOT NULL,
    actor_name  TEXT NOT NULL,
    subject_key BIGINT NOT NULL,
    purpose     TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('PERMIT', 'DENY')),
    request_id  TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
