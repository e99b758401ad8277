-- A domain with two checks.
-- before
CREATE DOMAIN code AS text;
-- after
CREATE DOMAIN code AS text CONSTRAINT code_len CHECK (length(VALUE) = 4) CONSTRAINT code_upper CHECK (VALUE = upper(VALUE));
