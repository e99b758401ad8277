-- A SQL-standard SETOF-table function over a table whose column changes type.
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, board_id integer NOT NULL, state text NOT NULL DEFAULT 'open');
CREATE FUNCTION open_tasks(board integer) RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE board_id = board AND state <> 'done';
END;
-- data
INSERT INTO tasks VALUES (1, 1, 'open');
-- after
CREATE TABLE tasks (id bigint PRIMARY KEY, board_id integer NOT NULL, state text NOT NULL DEFAULT 'open');
CREATE FUNCTION open_tasks(board integer) RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE board_id = board AND state <> 'done';
END;
