-- A payment is recorded with the day it was paid and the finance system's reference (a KID or
-- a voucher id), so that a statement can be found again in the books (issue 12). One per
-- statement, written in the same transaction as the pay step; append-only like the steps.
CREATE TABLE statement_payments (
    statement_id BIGINT PRIMARY KEY REFERENCES statements (id),
    paid_on      DATE NOT NULL,
    reference    TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 64)
);
CREATE FUNCTION statement_payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payments are append-only';
END;
$$;
CREATE TRIGGER statement_payments_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON statement_payments
FOR EACH STATEMENT EXECUTE FUNCTION statement_payments_append_only();
