-- A composite type with an enum attribute.
-- before
CREATE TYPE st AS ENUM ('a', 'b');
-- after
CREATE TYPE st AS ENUM ('a', 'b');
CREATE TYPE tagged AS (s st, note text);
