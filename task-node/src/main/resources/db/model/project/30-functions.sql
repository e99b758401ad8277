-- Functions and triggers of every project schema. updated_at is kept by the database, whatever the client
-- writes; the function is created before the triggers that call it (the engine orders them by their
-- dependencies, whatever the file order).
CREATE FUNCTION {schema}.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION {schema}.touch_updated_at() IS 'Sets updated_at to the time of the update';

CREATE TRIGGER tasks_touch BEFORE UPDATE ON {schema}.tasks
    FOR EACH ROW EXECUTE FUNCTION {schema}.touch_updated_at();
CREATE TRIGGER settings_touch BEFORE UPDATE ON {schema}.settings
    FOR EACH ROW EXECUTE FUNCTION {schema}.touch_updated_at();

-- Open tasks of a board, for reports (a SQL-standard body: PostgreSQL records the columns it reads).
CREATE FUNCTION {schema}.open_tasks(board bigint) RETURNS SETOF {schema}.tasks LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM {schema}.tasks WHERE board_id = board AND state <> 'done' AND deleted_at IS NULL;
END;
