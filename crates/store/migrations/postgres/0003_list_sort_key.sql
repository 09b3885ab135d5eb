-- The participant list's name order, kept on the participant so that the first page of a
-- Nav office or provider is read straight from an index instead of sorting every row.
-- Protected persons sort as the empty string: their names must not shape the order anyone
-- sees. The store keeps this column in step with names, national ids and protection.
ALTER TABLE participants ADD COLUMN list_sort_key TEXT NOT NULL DEFAULT '';

UPDATE participants SET list_sort_key = (
    SELECT CASE WHEN pr.protection = 'NONE' THEN pr.search_text ELSE '' END
    FROM persons pr WHERE pr.key = participants.person_key
);

CREATE INDEX participants_office_sorted ON participants (nav_office_id, list_sort_key, id);
CREATE INDEX participants_provider_sorted ON participants (provider_id, list_sort_key, id);
CREATE INDEX participants_contract_sorted ON participants (contract_id, list_sort_key, id);
