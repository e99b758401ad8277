-- A LIST partitioned table with a DEFAULT partition.
-- expect: safe
-- before

-- after
CREATE TABLE tickets (id bigint, region text NOT NULL, body text) PARTITION BY LIST (region);
CREATE TABLE tickets_eu PARTITION OF tickets FOR VALUES IN ('de', 'fr');
CREATE TABLE tickets_us PARTITION OF tickets FOR VALUES IN ('us');
CREATE TABLE tickets_other PARTITION OF tickets DEFAULT;
