-- A project table list-partitioned by a shared enum.
-- shared
CREATE TYPE tier AS ENUM ('free', 'pro', 'team');
-- before

-- after
CREATE TABLE tickets (id bigint NOT NULL, tier {shared}.tier NOT NULL) PARTITION BY LIST (tier);
CREATE TABLE tickets_free PARTITION OF tickets FOR VALUES IN ('free');
CREATE TABLE tickets_paid PARTITION OF tickets FOR VALUES IN ('pro', 'team');
