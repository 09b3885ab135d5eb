-- Register snapshots (docs/registers.md). Each import is one version, named by the snapshot id
-- its files carry; content_hash (SHA-256 over the files) makes importing the same files again a
-- no-op and refuses different files under a name already used. Spell tables are clustered by
-- (snapshot, person) because every read is "this person's spells in this snapshot"; the reader
-- has already refused duplicate spell ids, so spell_id needs no index of its own. Wages and
-- benefit amounts are validated on import but not kept: no outcome uses them yet.
CREATE TABLE register_snapshots (
    id           INTEGER PRIMARY KEY,
    snapshot_key TEXT NOT NULL UNIQUE,
    cutoff       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    person_count BIGINT NOT NULL,
    row_count    BIGINT NOT NULL,
    imported_at  TEXT NOT NULL
);

-- The population file: who is in the snapshot, with the attributes used for matching. Persons
-- are linked to participants through person_ids.national_id, so a participant whose D-nummer
-- was replaced by a fødselsnummer is found under either.
CREATE TABLE register_persons (
    snapshot_id     BIGINT NOT NULL REFERENCES register_snapshots (id),
    person_id       TEXT NOT NULL,
    birth_year      BIGINT NOT NULL,
    sex             TEXT NOT NULL,
    country_group   TEXT NOT NULL,
    arrival_year    BIGINT,
    municipality    TEXT NOT NULL,
    education_level TEXT NOT NULL,
    index_date      TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, person_id)
) WITHOUT ROWID;

-- Employment relationships (arbeidsforhold). fte_percent is the exact decimal as text.
CREATE TABLE register_employment (
    snapshot_id    BIGINT NOT NULL REFERENCES register_snapshots (id),
    person_id      TEXT NOT NULL,
    spell_id       TEXT NOT NULL,
    employer_orgnr TEXT NOT NULL,
    start_date     TEXT NOT NULL,
    end_date       TEXT,
    fte_percent    TEXT NOT NULL,
    subsidised     BOOLEAN NOT NULL,
    PRIMARY KEY (snapshot_id, person_id, spell_id)
) WITHOUT ROWID;

CREATE TABLE register_benefits (
    snapshot_id BIGINT NOT NULL REFERENCES register_snapshots (id),
    person_id   TEXT NOT NULL,
    spell_id    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN
        ('dagpenger', 'aap', 'sosialhjelp', 'introduksjonsstonad', 'kvalifiseringsstonad')),
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    PRIMARY KEY (snapshot_id, person_id, spell_id)
) WITHOUT ROWID;

CREATE TABLE register_education (
    snapshot_id BIGINT NOT NULL REFERENCES register_snapshots (id),
    person_id   TEXT NOT NULL,
    spell_id    TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    PRIMARY KEY (snapshot_id, person_id, spell_id)
) WITHOUT ROWID;

-- Language tests; test_id is the evidence id the reader gives each test.
CREATE TABLE register_language_tests (
    snapshot_id BIGINT NOT NULL REFERENCES register_snapshots (id),
    person_id   TEXT NOT NULL,
    test_id     TEXT NOT NULL,
    test_date   TEXT NOT NULL,
    skill       TEXT NOT NULL CHECK (skill IN ('listening', 'reading', 'writing', 'speaking')),
    level       TEXT NOT NULL CHECK (level IN ('PRE-A1', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (snapshot_id, person_id, test_id)
) WITHOUT ROWID;

-- The outcome definitions a contract pays for, in contract order: the domain's Definition as
-- JSON (name, kind, parameters). The contract issue extends this with prices and versions.
CREATE TABLE contract_outcomes (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    seq         BIGINT NOT NULL,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    PRIMARY KEY (contract_id, seq),
    UNIQUE (contract_id, name)
);
