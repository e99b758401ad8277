-- An index on a column the same plan adds.
-- before
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer);
-- data
INSERT INTO events VALUES (1, 'a', now(), '{}', 1);
-- after
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
CREATE INDEX events_title_idx ON events (title);
