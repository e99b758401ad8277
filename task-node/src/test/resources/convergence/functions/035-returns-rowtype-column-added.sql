-- A SQL-standard function returning one row of a table, which gains a column with a default.
-- before
CREATE TABLE boards (id bigint PRIMARY KEY, name text NOT NULL);
CREATE FUNCTION board(b bigint) RETURNS boards LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM boards WHERE id = b;
END;
-- data
INSERT INTO boards VALUES (1, 'b');
-- after
CREATE TABLE boards (id bigint PRIMARY KEY, name text NOT NULL, archived boolean NOT NULL DEFAULT false);
CREATE FUNCTION board(b bigint) RETURNS boards LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM boards WHERE id = b;
END;
