-- A composite type comment.
-- before
CREATE TYPE money_amount AS (amount numeric, currency char(3));
-- after
CREATE TYPE money_amount AS (amount numeric, currency char(3));
COMMENT ON TYPE money_amount IS 'amount with currency';
