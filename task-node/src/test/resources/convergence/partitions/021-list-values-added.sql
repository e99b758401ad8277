-- A list partition accepts another value.
-- before
CREATE TABLE tickets (id bigint, region text NOT NULL) PARTITION BY LIST (region);
CREATE TABLE tickets_eu PARTITION OF tickets FOR VALUES IN ('de');
-- after
CREATE TABLE tickets (id bigint, region text NOT NULL) PARTITION BY LIST (region);
CREATE TABLE tickets_eu PARTITION OF tickets FOR VALUES IN ('de', 'fr');
