-- Kept in step with PostgreSQL's migration 4, which adds a trigram index for name search.
-- SQLite answers the same search from the covering list indexes of migration 3 (measured in
-- bench/participant-list-load.sh), so there is nothing to add here.
SELECT 1;
