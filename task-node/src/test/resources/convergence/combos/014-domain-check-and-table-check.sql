-- A domain column and a table check on it both change.
-- before
CREATE DOMAIN pct AS integer CHECK (VALUE >= 0);
CREATE TABLE s (id integer PRIMARY KEY, p pct, CONSTRAINT s_p CHECK (p < 1000));
-- after
CREATE DOMAIN pct AS integer CHECK (VALUE BETWEEN 0 AND 100);
CREATE TABLE s (id integer PRIMARY KEY, p pct, CONSTRAINT s_p CHECK (p <= 100));
