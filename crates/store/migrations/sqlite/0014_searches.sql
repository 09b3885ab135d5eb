-- Issue 10: a search for a participant (often by national id) is kept here under an opaque
-- token, so that the id never stands in a URL (browser history, proxy and server logs, the
-- Referer of a link). A token answers only the user who made it, for as long as a session
-- lasts; old ones are deleted as new ones are made.
CREATE TABLE searches (
    token      TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX searches_by_age ON searches (created_at);
