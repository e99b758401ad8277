-- A range type. Range types are not managed (docs/schema-engine.md, 'What a model may contain'): the model is
-- refused at start-up naming file, line and kind, and nothing is changed.
-- refused: project/10-case.sql:1: range type is not managed by the schema engine (yet)
-- before

-- after
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
