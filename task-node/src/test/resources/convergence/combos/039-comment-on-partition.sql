-- Comments on a partitioned table and on one partition.
-- shared
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- before
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, user_id bigint REFERENCES {shared}.users (id), kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- after
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, user_id bigint REFERENCES {shared}.users (id), kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
COMMENT ON TABLE events IS 'all events';
COMMENT ON TABLE events_2024 IS 'events of 2024';
