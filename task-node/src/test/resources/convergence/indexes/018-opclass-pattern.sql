-- text_pattern_ops.
-- before
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
-- data
INSERT INTO events VALUES (1, 'a', now(), '{}', 1, 'x');
-- after
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
CREATE INDEX events_title_pattern_idx ON events (title text_pattern_ops);
