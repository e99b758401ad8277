-- A unique partial index.
-- before
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
-- data
INSERT INTO events VALUES (1, 'a', now(), '{}', 1, 'x');
-- after
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
CREATE UNIQUE INDEX events_title_live_uix ON events (title) WHERE score IS NOT NULL;
