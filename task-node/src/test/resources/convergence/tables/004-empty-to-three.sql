-- An empty schema gets three related tables.
-- expect: safe
-- before

-- after
CREATE TABLE boards (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);
CREATE TABLE lists (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, board_id bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE, pos integer NOT NULL DEFAULT 0);
CREATE TABLE cards (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, list_id bigint NOT NULL REFERENCES lists (id) ON DELETE CASCADE, title text NOT NULL, done boolean NOT NULL DEFAULT false);
