-- A view reads a SETOF-table function whose table gains a column: the view is rebuilt with the function.
-- before
CREATE TABLE tasks (id bigint PRIMARY KEY, board_id bigint NOT NULL, state text NOT NULL DEFAULT 'open', legacy text);
CREATE FUNCTION open_tasks() RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE state <> 'done';
END;
CREATE VIEW open_ids AS SELECT id FROM open_tasks();
-- after
-- expect: destructive,safe
CREATE TABLE tasks (id bigint PRIMARY KEY, board_id bigint NOT NULL, state text NOT NULL DEFAULT 'open', points integer);
CREATE FUNCTION open_tasks() RETURNS SETOF tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM tasks WHERE state <> 'done';
END;
CREATE VIEW open_ids AS SELECT id FROM open_tasks();
