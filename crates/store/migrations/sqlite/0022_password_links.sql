-- Issue 12: one-time links to set a password. The administrator makes one for an account and
-- sees it once; only the link's SHA-256 is kept. It works once, within 24 hours, and only for
-- an active account; using it ends the account's sessions and forgets its failed logins.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_links_by_user ON password_links (user_id);
