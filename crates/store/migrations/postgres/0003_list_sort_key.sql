-- The participant list's name order, kept on the participant so that the first page of a
-- Nav office or provider is read straight from an index instead of sorting every row.
-- Protected persons sort as the empty string: their names must not shape the order anyone
-- sees. The store keeps this column in step with names, national ids and protection.
ALTER TABLE participants ADD COLUMN list_sort_key TEXT NOT NULL DEFAULT '';

-- A protected person's searchable text lives apart, so that a search reaches it only for the
-- staff assigned to that person, and costs nothing for the rows it cannot match.
ALTER TABLE participants ADD COLUMN protected_search_text TEXT NOT NULL DEFAULT '';

UPDATE participants SET
    list_sort_key = (
        SELECT CASE WHEN pr.protection = 'NONE' THEN pr.search_text ELSE '' END
        FROM persons pr WHERE pr.key = participants.person_key),
    protected_search_text = (
        SELECT CASE WHEN pr.protection = 'NONE' THEN '' ELSE pr.search_text END
        FROM persons pr WHERE pr.key = participants.person_key);

-- Filtering by status and searching by name read only these indexes (they cover the columns
-- the list's filter uses), so a search touches no table rows until it has matches.
DROP INDEX participants_by_office;
DROP INDEX participants_by_provider;
CREATE INDEX participants_by_office ON participants (nav_office_id, current_status, list_sort_key, id, protected_search_text);
CREATE INDEX participants_by_provider ON participants (provider_id, current_status, list_sort_key, id, protected_search_text);
CREATE INDEX participants_office_sorted ON participants (nav_office_id, list_sort_key, id);
CREATE INDEX participants_provider_sorted ON participants (provider_id, list_sort_key, id);
CREATE INDEX participants_contract_sorted ON participants (contract_id, list_sort_key, id);

-- The group filter asks which groups have participants in a scope.
CREATE INDEX participants_by_group ON participants (group_id, nav_office_id, provider_id, contract_id);
-- ... and offers them by name, so groups are read in name order instead of sorted each time.
CREATE INDEX participant_groups_by_name ON participant_groups (name, id);
