-- Two new tables that reference each other.
-- before
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
-- after
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE teams (id integer PRIMARY KEY, lead_id integer);
CREATE TABLE people (id integer PRIMARY KEY, team_id integer REFERENCES teams (id));
ALTER TABLE teams ADD CONSTRAINT teams_lead_fk FOREIGN KEY (lead_id) REFERENCES people (id);
