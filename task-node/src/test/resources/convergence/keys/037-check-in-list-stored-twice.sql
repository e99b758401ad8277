-- A varchar IN-list check that an older engine created from the text stored twice (elements cast one by one):
-- the model's form (what a fresh build stores) replaces it.
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20),
    CONSTRAINT tasks_status_check CHECK ((status)::text = ANY (ARRAY[('open'::character varying)::text, ('done'::character varying)::text])));
-- data
INSERT INTO tasks VALUES (1, 'open');
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20) CHECK (status IN ('open', 'done')));
