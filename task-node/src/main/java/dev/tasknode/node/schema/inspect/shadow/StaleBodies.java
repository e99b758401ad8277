package dev.tasknode.node.schema.inspect.shadow;

import dev.tasknode.node.schema.model.ModelException;
import dev.tasknode.node.schema.model.ModelFile;
import dev.tasknode.node.schema.model.ModelSet;
import dev.tasknode.node.schema.model.SqlScript;
import dev.tasknode.node.schema.model.StatementKinds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQL-standard function bodies ({@code BEGIN ATOMIC} / {@code RETURN}) that a later statement of the model left
 * behind. PostgreSQL parses such a body once, when the function is created, and expands {@code SELECT *} to the
 * columns of that moment. A model that creates {@code f() RETURNS SETOF t BEGIN ATOMIC SELECT * FROM t; END} and, in
 * a later file, adds a column to {@code t} (the usual way a model grows) leaves a function that no longer matches
 * its row type: every call fails ("return type mismatch … returns too few columns"), and so would its definition,
 * run again anywhere the table has its final shape (the fixed-point rebuild, plan validation, a live migration).
 *
 * <p>The user's intent is evident — the star means every column — so after the model ran, each SQL-standard
 * function returning a row type is checked by running its stored definition again (in a savepoint, changing
 * nothing); one PostgreSQL refuses is created again from the model's own statement (and the model's later
 * {@code ALTER FUNCTION}s of that name, which a CREATE OR REPLACE would reset), now against the final shape. If
 * the model's statement is refused too (an explicit column list that no longer fits), start-up stops naming the
 * file and line: the model is wrong, not the engine.
 */
public final class StaleBodies {
    private StaleBodies() {}

    /** SQL-standard functions of {@code schema} whose result is a composite type (a table's, a view's, a type's). */
    private static final String SQL = """
            SELECT p.proname, pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN pg_type t ON t.oid = p.prorettype
            WHERE p.pronamespace = ?::regnamespace AND p.prosqlbody IS NOT NULL AND t.typtype = 'c'
            ORDER BY p.oid""";

    public static void refresh(Statement st, List<ModelFile> files, String schema, String shared) throws SQLException {
        Map<String, String> defs = new LinkedHashMap<>();
        try (var ps = st.getConnection().prepareStatement(SQL)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    defs.put(rs.getString(1) + "#" + n++, rs.getString(2));
                }
            }
        }
        for (var e : defs.entrySet()) {
            if (stale(st, e.getValue())) {
                recreate(st, files, schema, shared, e.getKey().substring(0, e.getKey().lastIndexOf('#')));
            }
        }
    }

    /** Whether PostgreSQL refuses the stored definition now (an invalid function definition, SQLSTATE 42P13). */
    private static boolean stale(Statement st, String def) throws SQLException {
        st.execute("SAVEPOINT tn_stale");
        try {
            st.execute(def);
            st.execute("ROLLBACK TO SAVEPOINT tn_stale"); // a check only: the stored function stays as it is
            return false;
        } catch (SQLException e) {
            st.execute("ROLLBACK TO SAVEPOINT tn_stale");
            if ("42P13".equals(e.getSQLState())) {
                return true;
            }
            throw e;
        }
    }

    private static void recreate(Statement st, List<ModelFile> files, String schema, String shared, String name)
            throws SQLException {
        Pattern create = Pattern.compile("(?is)^\\s*create\\s+(or\\s+replace\\s+)?function\\s+" + qualified(schema, name)
                + "\\s*\\(");
        Pattern alter = Pattern.compile("(?is)^\\s*alter\\s+(function|routine)\\s+" + qualified(schema, name) + "\\s*[(\\s]");
        boolean found = false;
        for (ModelFile f : files) {
            for (SqlScript.Statement s : f.statements()) {
                if (StatementKinds.classify(s.sql()) != StatementKinds.Kind.FUNCTION) {
                    continue;
                }
                String sql = ModelSet.bind(s.sql(), schema, shared);
                boolean isCreate = create.matcher(sql).find();
                if (!isCreate && !(found && alter.matcher(sql).find())) {
                    continue;
                }
                found |= isCreate;
                String run = isCreate ? sql.replaceFirst("(?is)^(\\s*create)\\s+(or\\s+replace\\s+)?function", "$1 OR REPLACE FUNCTION") : sql;
                try {
                    st.execute(run);
                } catch (SQLException e) {
                    throw new ModelException(f.name() + ":" + s.line() + ": function " + name + " no longer matches "
                            + "its result type: PostgreSQL checked its body against the columns as they were when it "
                            + "was created, and a later statement of the model changed them; run again on the final "
                            + "shape it is refused: " + e.getMessage().replaceAll("\\s+", " ")
                            + " (create the function after the last change of the table it returns)", e);
                }
            }
        }
        if (!found) {
            throw new ModelException("function " + name + " no longer matches its result type (a later statement of the "
                    + "model changed the columns its body was checked against) and no CREATE FUNCTION of the model "
                    + "names it; create it after the last change of the table it returns");
        }
    }

    /** {@code name} as the model may write it: qualified by the bound schema (quoted or not) or bare. */
    private static String qualified(String schema, String name) {
        String n = "(?:\"" + Pattern.quote(name) + "\"|" + Pattern.quote(name) + ")";
        return "(?:(?:\"" + Pattern.quote(schema) + "\"|" + Pattern.quote(schema) + ")\\s*\\.\\s*)?" + n;
    }
}
