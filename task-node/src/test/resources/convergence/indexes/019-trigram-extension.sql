-- A trigram index that needs an extension.
-- before
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
-- data
INSERT INTO events VALUES (1, 'a', now(), '{}', 1, 'x');
-- after
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb, score integer, title text);
CREATE INDEX events_title_trgm ON events USING gin (title public.gin_trgm_ops);
