-- IN-lists on char(n) and on a varchar array column compared with a literal array.
-- before
CREATE TABLE codes (id integer PRIMARY KEY, code char(2), tags varchar(10)[]);
-- after
CREATE TABLE codes (id integer PRIMARY KEY, code char(2) CHECK (code IN ('ab', 'cd')),
    tags varchar(10)[] CHECK (tags <@ ARRAY['x', 'y']::varchar[]));
