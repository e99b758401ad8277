-- A partial index whose predicate is an IN list over text.
-- before
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
-- data
INSERT INTO events VALUES (1, 'a', now(), '{}', 1, 'x');
-- after
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
CREATE INDEX events_hot_idx ON events (at) WHERE kind IN ('error', 'fatal');
