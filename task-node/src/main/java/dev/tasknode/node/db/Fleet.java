package dev.tasknode.node.db;

import dev.tasknode.contracts.tasks.Scope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The managed schemas: the shared one and one per project. Project ids come from the configured query united
 * with the existing schemas that match the template, so a project whose row is gone but whose schema is
 * still there is never forgotten.
 */
@Component
public class Fleet {
    private final SchemaProperties props;
    private final Pattern projectSchema;
    private final String projectIdsQuery;

    @org.springframework.beans.factory.annotation.Autowired
    public Fleet(SchemaProperties props) {
        this(props, props.getProjectIdsQuery());
    }

    /** One cluster's fleet: the same naming, that cluster's own project ids query (see cluster/ClusterRegistry). */
    public Fleet(SchemaProperties props, String projectIdsQuery) {
        this.props = props;
        this.projectIdsQuery = projectIdsQuery;
        String t = props.getProjectTemplate();
        int at = t.indexOf("{id}");
        if (at < 0) {
            throw new IllegalArgumentException("tasknode.schema.project-template must contain {id}: " + t);
        }
        this.projectSchema = Pattern.compile(Pattern.quote(t.substring(0, at)) + "(" + Scope.PROJECT_ID.pattern() + ")"
                + Pattern.quote(t.substring(at + 4)));
    }

    public String sharedSchema() {
        return props.getShared();
    }

    public String projectSchema(String projectId) {
        return props.getProjectTemplate().replace("{id}", new Scope.Project(projectId).id());
    }

    /** The project id of a schema name, if it is a project schema. */
    public Optional<String> projectId(String schema) {
        Matcher m = projectSchema.matcher(schema);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Sorted project ids known to the platform or present as schemas. */
    public List<String> projectIds(Connection c) throws SQLException {
        TreeSet<String> ids = new TreeSet<>(existingProjectSchemas(c).stream().map(s -> projectId(s).orElseThrow()).toList());
        String q = projectIdsQuery;
        if (q != null && !q.isBlank()) {
            boolean auto = c.getAutoCommit();
            Savepoint sp = auto ? null : c.setSavepoint();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q.replace("{shared}", quote(sharedSchema())))) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (id != null && Scope.PROJECT_ID.matcher(id).matches()) {
                        ids.add(id);
                    }
                }
            } catch (SQLException e) {
                // before create_tables the projects table does not exist yet: the schemas are all we know
                if (!"42P01".equals(e.getSQLState()) && !"3F000".equals(e.getSQLState())) {
                    throw e;
                }
                if (sp != null) {
                    c.rollback(sp);
                }
            }
        }
        return new ArrayList<>(ids);
    }

    /** Existing schemas matching the project template, sorted. */
    public List<String> existingProjectSchemas(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT nspname FROM pg_namespace ORDER BY nspname")) {
            while (rs.next()) {
                String n = rs.getString(1);
                if (projectSchema.matcher(n).matches()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** Schema names a scope covers: shared first, then the projects. A single project is named even if absent. */
    public List<String> schemas(Connection c, Scope scope) throws SQLException {
        return switch (scope) {
            case Scope.Shared s -> List.of(sharedSchema());
            case Scope.Project p -> List.of(projectSchema(p.id()));
            case Scope.All a -> {
                List<String> all = new ArrayList<>();
                all.add(sharedSchema());
                projectIds(c).forEach(id -> all.add(projectSchema(id)));
                yield all;
            }
        };
    }

    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
