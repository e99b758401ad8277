-- A view with a NOT IN list and an IN-list on varchar columns of two joined tables, added.
-- before
CREATE TABLE boards (id integer PRIMARY KEY, kind varchar(10));
CREATE TABLE tasks (id integer PRIMARY KEY, board_id integer REFERENCES boards, status varchar(20));
-- after
CREATE TABLE boards (id integer PRIMARY KEY, kind varchar(10));
CREATE TABLE tasks (id integer PRIMARY KEY, board_id integer REFERENCES boards, status varchar(20));
CREATE VIEW live AS SELECT t.id FROM tasks t JOIN boards b ON b.id = t.board_id
    WHERE t.status NOT IN ('done', 'void') AND b.kind IN ('team', 'personal');
