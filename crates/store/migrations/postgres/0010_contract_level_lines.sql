-- Statement lines for cohort-level outcomes belong to the whole contract, not to a participant
-- (docs/contracts.md, "Certified figures"): person_key and provider_id become optional (NULL
-- for such a line; `participant` then reads "Kohort <cohort>").
ALTER TABLE statement_lines ALTER COLUMN person_key DROP NOT NULL;
ALTER TABLE statement_lines ALTER COLUMN provider_id DROP NOT NULL;
