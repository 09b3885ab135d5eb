-- A payment is recorded with the day it was paid and the finance system's reference (a KID or
-- a voucher id), so that a statement can be found again in the books (issue 12). One per
-- statement, written in the same transaction as the pay step; append-only like the steps.
CREATE TABLE statement_payments (
    statement_id BIGINT PRIMARY KEY REFERENCES statements (id),
    paid_on      TEXT NOT NULL,
    reference    TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 64)
);
CREATE TRIGGER statement_payments_no_update BEFORE UPDATE ON statement_payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
CREATE TRIGGER statement_payments_no_delete BEFORE DELETE ON statement_payments
BEGIN SELECT RAISE(ABORT, 'payments are append-only'); END;
