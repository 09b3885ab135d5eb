-- Failed logins, for throttling: kept in the store so that every server instance sees them.
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);

-- The language a participant reads their own pages in (BCP 47); Norwegian bokmål by default,
-- so every person stored before this migration keeps working unchanged.
ALTER TABLE persons ADD COLUMN preferred_language TEXT NOT NULL DEFAULT 'nb';
