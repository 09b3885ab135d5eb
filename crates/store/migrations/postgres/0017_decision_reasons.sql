-- A party that rejects an amendment says why (issue 12): the reason is kept with the decision,
-- shown in the versions table and to the proposer. Optional for an approval. Existing
-- decisions have none.
ALTER TABLE contract_version_decisions ADD COLUMN reason TEXT;
