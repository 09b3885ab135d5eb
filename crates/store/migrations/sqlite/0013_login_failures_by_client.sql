-- Issue 10: failed logins are throttled per username *and* per client address, so that a
-- locked username still lets its owner in from a client that has not failed, and one client
-- cannot try password after password across many usernames. Earlier failures have no address.
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_by_client ON login_failures (client, at);
