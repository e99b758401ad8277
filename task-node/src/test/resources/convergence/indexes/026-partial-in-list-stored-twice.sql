-- A partial unique index whose predicate an older engine stored twice: the model's form replaces it.
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, code text, status varchar(20));
CREATE UNIQUE INDEX tasks_code_live ON tasks (code) WHERE ((status)::text = ANY (ARRAY[('open'::character varying)::text, ('blocked'::character varying)::text]));
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, code text, status varchar(20));
CREATE UNIQUE INDEX tasks_code_live ON tasks (code) WHERE status IN ('open', 'blocked');
