-- An enum type comment.
-- expect: safe
-- before
CREATE TYPE st AS ENUM ('a');
-- after
CREATE TYPE st AS ENUM ('a');
COMMENT ON TYPE st IS 'state';
