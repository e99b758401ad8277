-- A SQL-standard SETOF-table function over a table that loses a column its expanded SELECT * reads.
-- before
CREATE TABLE tasks (id bigint PRIMARY KEY, board_id bigint NOT NULL, state text NOT NULL DEFAULT 'open', legacy text);
CREATE FUNCTION open_tasks(board bigint) RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE board_id = board AND state <> 'done';
END;
-- data
INSERT INTO tasks VALUES (1, 1, 'open', 'x');
-- after
-- expect: destructive,safe
CREATE TABLE tasks (id bigint PRIMARY KEY, board_id bigint NOT NULL, state text NOT NULL DEFAULT 'open');
CREATE FUNCTION open_tasks(board bigint) RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE board_id = board AND state <> 'done';
END;
