-- A shared column that a project's SQL-standard function reads changes type: refused by design, naming the function.
-- unplannable: which 1 object(s) in 1 other schema(s) depend on: function p_1.org_of(bigint)
-- shared before
CREATE TABLE users (id bigint PRIMARY KEY, org_id integer);
-- shared after
CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint);
-- before
CREATE FUNCTION org_of(u bigint) RETURNS bigint LANGUAGE sql STABLE RETURN (SELECT org_id FROM {shared}.users WHERE id = u);
-- after
CREATE FUNCTION org_of(u bigint) RETURNS bigint LANGUAGE sql STABLE RETURN (SELECT org_id FROM {shared}.users WHERE id = u);
