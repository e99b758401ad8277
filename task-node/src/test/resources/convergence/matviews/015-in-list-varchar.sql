-- A materialized view filtering a varchar column with an IN-list, and an index on it.
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20));
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20));
CREATE MATERIALIZED VIEW open_tasks AS SELECT id, status FROM tasks WHERE status IN ('open', 'blocked');
CREATE INDEX open_tasks_id ON open_tasks (id);
