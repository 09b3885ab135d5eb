-- Figures the independent evaluator certifies for cohort-level outcomes (docs/contracts.md,
-- "Certified figures"): a cohort's employment rate, reduction against its comparison group, or
-- savings, with who certified it and when. Append-only: a correction is a new certification,
-- and the newest per figure and cohort counts.
CREATE TABLE certified_figures (
    id           INTEGER PRIMARY KEY,
    contract_id  BIGINT NOT NULL REFERENCES contracts (id),
    figure       TEXT NOT NULL,
    cohort       TEXT NOT NULL,
    cohort_size  BIGINT NOT NULL CHECK (cohort_size > 0),
    value        TEXT NOT NULL,             -- exact decimal, as text
    certified_by BIGINT NOT NULL REFERENCES users (id),
    certified_at TEXT NOT NULL
);
CREATE TRIGGER certified_figures_no_update BEFORE UPDATE ON certified_figures
BEGIN SELECT RAISE(ABORT, 'certified figures are append-only'); END;
CREATE TRIGGER certified_figures_no_delete BEFORE DELETE ON certified_figures
BEGIN SELECT RAISE(ABORT, 'certified figures are append-only'); END;
