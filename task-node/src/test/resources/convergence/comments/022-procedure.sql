-- A procedure comment.
-- before
CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;
-- after
CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;
COMMENT ON PROCEDURE noop() IS 'does nothing';
