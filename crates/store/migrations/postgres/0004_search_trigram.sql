-- Name and id search on PostgreSQL: a trigram index lets `LIKE '%term%'` on the list key use an
-- index instead of reading every participant of a Nav office (bench/participant-list-load.sh:
-- the search went from ~28 ms to ~7 ms per count at 100,000 participants). pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX participants_sort_key_trgm ON participants USING gin (list_sort_key gin_trgm_ops);
CREATE INDEX participants_protected_search_trgm ON participants
    USING gin (protected_search_text gin_trgm_ops);

-- Narrow scope-and-status indexes: PostgreSQL combines them with the trigram indexes as
-- bitmaps, which reads a tenth of what the wide covering indexes of migration 3 cost it
-- (count of a search at 100,000 participants: 7.7 ms → 2.6 ms).
CREATE INDEX participants_office_status ON participants (nav_office_id, current_status);
CREATE INDEX participants_provider_status ON participants (provider_id, current_status);
