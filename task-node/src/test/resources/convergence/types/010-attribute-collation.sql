-- An attribute with a collation.
-- before

-- after
CREATE TYPE label AS (key text COLLATE "C", value text);
