-- A procedure over a table the same plan creates, with EXECUTE granted.
-- before

-- after
CREATE TABLE q (id bigint PRIMARY KEY, done boolean DEFAULT false);
CREATE PROCEDURE finish(i bigint) LANGUAGE sql BEGIN ATOMIC UPDATE q SET done = true WHERE id = i; END;
GRANT EXECUTE ON PROCEDURE finish(bigint) TO tncor_app;
