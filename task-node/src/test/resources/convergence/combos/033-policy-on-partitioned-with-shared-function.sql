-- RLS on a partitioned table whose policy calls a shared function.
-- shared
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE FUNCTION me() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;
-- before
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, user_id bigint REFERENCES {shared}.users (id), kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- after
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, user_id bigint REFERENCES {shared}.users (id), kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_me ON events USING (user_id = {shared}.me());
