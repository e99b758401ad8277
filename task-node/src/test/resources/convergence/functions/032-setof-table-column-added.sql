-- A SQL-standard SETOF-table function over a table that gains a column (its SELECT * was expanded to the old columns).
-- before
CREATE TABLE tasks (id bigint PRIMARY KEY, board_id bigint NOT NULL, state text NOT NULL DEFAULT 'open');
CREATE FUNCTION open_tasks(board bigint) RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE board_id = board AND state <> 'done';
END;
-- data
INSERT INTO tasks VALUES (1, 1, 'open'), (2, 1, 'done');
-- after
CREATE TABLE tasks (id bigint PRIMARY KEY, board_id bigint NOT NULL, state text NOT NULL DEFAULT 'open', points integer);
CREATE FUNCTION open_tasks(board bigint) RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE board_id = board AND state <> 'done';
END;
