-- A NOT IN list on a varchar column (stored as <> ALL over an array cast), added to an existing table.
-- before
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20));
-- after
CREATE TABLE tasks (id integer PRIMARY KEY, status varchar(20) CHECK (status NOT IN ('void', 'spam')));
