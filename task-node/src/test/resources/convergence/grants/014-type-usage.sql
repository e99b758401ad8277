-- USAGE on a type, revoked from PUBLIC.
-- before
CREATE TYPE level AS ENUM ('low', 'high');
-- after
CREATE TYPE level AS ENUM ('low', 'high');
REVOKE USAGE ON TYPE level FROM PUBLIC;
GRANT USAGE ON TYPE level TO tncor_app;
