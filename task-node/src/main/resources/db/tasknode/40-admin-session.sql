-- Admin page sessions (Spring Session JDBC, spring.session.jdbc.table-name = {schema}.spring_session): kept here so
-- a sign-in survives a node restart and is valid on every replica behind a load balancer. Same layout as Spring
-- Session's schema-postgresql.sql, made idempotent like the other store files.
CREATE TABLE IF NOT EXISTS {schema}.spring_session (
    primary_id            char(36)     NOT NULL,
    session_id            char(36)     NOT NULL,
    creation_time         bigint       NOT NULL,
    last_access_time      bigint       NOT NULL,
    max_inactive_interval int          NOT NULL,
    expiry_time           bigint       NOT NULL,
    principal_name        varchar(100),
    CONSTRAINT spring_session_pk PRIMARY KEY (primary_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS spring_session_ix1 ON {schema}.spring_session (session_id);
CREATE INDEX IF NOT EXISTS spring_session_ix2 ON {schema}.spring_session (expiry_time);
CREATE INDEX IF NOT EXISTS spring_session_ix3 ON {schema}.spring_session (principal_name);

CREATE TABLE IF NOT EXISTS {schema}.spring_session_attributes (
    session_primary_id char(36)     NOT NULL,
    attribute_name     varchar(200) NOT NULL,
    attribute_bytes    bytea        NOT NULL,
    CONSTRAINT spring_session_attributes_pk PRIMARY KEY (session_primary_id, attribute_name),
    CONSTRAINT spring_session_attributes_fk FOREIGN KEY (session_primary_id)
        REFERENCES {schema}.spring_session (primary_id) ON DELETE CASCADE
);
