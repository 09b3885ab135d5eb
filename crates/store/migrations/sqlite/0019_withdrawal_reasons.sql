-- Recomputing a statement that someone has already verified or approved throws their steps
-- away; the contract manager confirms that with a reason, kept on the withdrawal step
-- (issue 12). Other steps have none.
ALTER TABLE statement_events ADD COLUMN reason TEXT;
