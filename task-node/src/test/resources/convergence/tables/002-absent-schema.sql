-- The project schema does not exist yet.
-- expect: safe
-- after
CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL, created timestamptz NOT NULL DEFAULT now());
