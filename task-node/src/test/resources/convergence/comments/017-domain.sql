-- A domain comment.
-- before
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
-- after
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
COMMENT ON DOMAIN email IS 'an address';
