-- A named domain constraint.
-- before
CREATE DOMAIN pct AS integer;
-- after
CREATE DOMAIN pct AS integer CONSTRAINT pct_range CHECK (VALUE BETWEEN 0 AND 100);
