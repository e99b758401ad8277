-- A new table with forty columns of mixed types.
-- expect: safe
-- before

-- after
CREATE TABLE wide (id integer PRIMARY KEY, c00 text, c01 integer, c02 boolean, c03 numeric(8,3), c04 timestamptz, c05 jsonb, c06 bytea, c07 uuid, c08 text, c09 integer, c10 boolean, c11 numeric(8,3), c12 timestamptz, c13 jsonb, c14 bytea, c15 uuid, c16 text, c17 integer, c18 boolean, c19 numeric(8,3), c20 timestamptz, c21 jsonb, c22 bytea, c23 uuid, c24 text, c25 integer, c26 boolean, c27 numeric(8,3), c28 timestamptz, c29 jsonb, c30 bytea, c31 uuid, c32 text, c33 integer, c34 boolean, c35 numeric(8,3), c36 timestamptz, c37 jsonb, c38 bytea, c39 uuid);
