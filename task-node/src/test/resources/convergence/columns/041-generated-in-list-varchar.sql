-- A stored generated column computed from a varchar IN-list.
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20));
-- data
INSERT INTO tasks VALUES (1, 'done'), (2, 'open');
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20),
    closed boolean GENERATED ALWAYS AS (status IN ('done', 'void')) STORED);
