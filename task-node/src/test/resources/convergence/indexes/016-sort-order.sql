-- Sort order and NULLS placement change.
-- before
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
CREATE INDEX events_score_idx ON events (score);
-- data
INSERT INTO events VALUES (1, 'a', now(), '{}', 1, 'x');
-- after
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
CREATE INDEX events_score_idx ON events (score DESC NULLS LAST);
