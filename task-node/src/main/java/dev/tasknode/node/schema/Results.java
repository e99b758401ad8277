package dev.tasknode.node.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tasknode.node.schema.online.OnlinePlan;
import dev.tasknode.node.schema.plan.Plan;
import dev.tasknode.node.schema.plan.Step;
import java.util.List;

/** The result documents of the schema tasks (serialized by the wire mapping: snake_case). */
public final class Results {
    private Results() {}

    public record Counts(long safe, long locking, long destructive, long total) {
        public static Counts of(Plan p) {
            return new Counts(p.count(Step.Safety.SAFE), p.count(Step.Safety.LOCKING), p.count(Step.Safety.DESTRUCTIVE),
                    p.steps().size());
        }

        public static Counts of(OnlinePlan p) {
            return new Counts(p.count(Step.Safety.SAFE), p.count(Step.Safety.LOCKING), p.count(Step.Safety.DESTRUCTIVE),
                    p.size());
        }
    }

    /**
     * @param checkRuns when the data check cannot run before the plan: when it runs instead, and why
     * @param phase     "transaction" (the schema's transaction) or "online" (after its commit, one step at a time)
     * @param form      how it runs (see {@link OnlinePlan.Form}: transactional, not_valid, concurrently, validate, ...)
     * @param lock      the lock PostgreSQL takes and on which table
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatementView(int n, String sql, String classification, String reason, String object, String check,
                                String checkRuns, String phase, String form, String lock) {
        public StatementView(int n, String sql, String classification, String reason, String object, String check,
                             String checkRuns) {
            this(n, sql, classification, reason, object, check, checkRuns, null, null, null);
        }

        public static List<StatementView> of(OnlinePlan p) {
            List<StatementView> out = new java.util.ArrayList<>();
            List<OnlinePlan.Item> all = p.all();
            java.util.Map<Integer, String> deferred = Plan.deferredChecks(p.checks());
            for (int i = 0; i < all.size(); i++) {
                OnlinePlan.Item s = all.get(i);
                boolean tx = i < p.transactional().size();
                String runs = deferred.get(i);
                out.add(new StatementView(i + 1, s.sql(), s.safety().wire(), s.reason(), s.object(),
                        s.check() == null ? null : s.check().description(),
                        runs == null || tx ? runs : runs + " (at the end of the schema's transaction, before its commit)",
                        tx ? "transaction" : "online", s.form().wire(), s.lock()));
            }
            return out;
        }

        public static List<StatementView> of(Plan p) {
            List<StatementView> out = new java.util.ArrayList<>();
            java.util.Map<Integer, String> deferred = Plan.deferredChecks(p.steps());
            int i = 1;
            for (Step s : p.steps()) {
                out.add(new StatementView(i, s.sql(), s.safety().wire(), s.reason(), s.object(),
                        s.check() == null ? null : s.check().description(), deferred.get(i - 1)));
                i++;
            }
            return out;
        }
    }

    /**
     * A data check that found rows (the statement would fail or lose data on that schema), or whose query failed
     * ({@code error}). Names the schema, the table and the object (constraint, index, column) it guards, and the query.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CheckFinding(String schema, int statement, String check, long count, String table, String object,
                               String query, String error) {
        public CheckFinding(String schema, int statement, String check, long count) {
            this(schema, statement, check, count, null, null, null, null);
        }

        /** One line: schema, table, object, what was found, the query. */
        public String describe() {
            return "schema " + schema + (table == null ? "" : ", table " + table) + (object == null ? "" : ", " + object)
                    + ", statement " + statement + ": " + (error != null ? "the check '" + check + "' failed: " + error
                    : count + " " + check) + (query == null ? "" : " (query: " + query + ")");
        }
    }

    /**
     * One distinct change set and the schemas it applies to. {@code script} uses {@code {schema}} for the schema
     * being migrated and {@code {shared}} for the shared schema.
     */
    public record ChangeSet(String kind, String fingerprint, int schemaCount, List<String> schemas, Counts counts,
                            String script, List<StatementView> statements, List<CheckFinding> findings,
                            @JsonInclude(JsonInclude.Include.NON_NULL) java.util.Map<String, List<String>> clusters) {
        public ChangeSet(String kind, String fingerprint, int schemaCount, List<String> schemas, Counts counts,
                         String script, List<StatementView> statements, List<CheckFinding> findings) {
            this(kind, fingerprint, schemaCount, schemas, counts, script, statements, findings, null);
        }
    }

    /**
     * How one cluster took part in a task: {@code ok}, or {@code down} (it could not be reached or refused; its
     * schemas are failed with this error). In every result the fan-out builds, so a caller can tell which
     * clusters a task covered.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClusterPart(String cluster, String state, int schemas, String error, List<String> failedSchemas) {
        public static final String OK = "ok";
        public static final String DOWN = "down";

        public static ClusterPart ok(String cluster, int schemas) {
            return new ClusterPart(cluster, OK, schemas, null, null);
        }

        /** True when some cluster did not take part (down, or its run failed): the task is partial at best. */
        public static boolean anyDown(List<ClusterPart> clusters) {
            return clusters != null && clusters.stream().anyMatch(c -> DOWN.equals(c.state()));
        }

        /** "cluster tn2 is down: ...; ..." for a summary line, empty when every cluster took part. */
        public static String describeDown(List<ClusterPart> clusters) {
            return clusters == null ? "" : String.join("; ", clusters.stream().filter(c -> DOWN.equals(c.state()))
                    .map(ClusterPart::error).toList());
        }

        /** The schemas last seen there, all failed with {@code error}. */
        public static ClusterPart down(String cluster, List<String> failed, String error) {
            return new ClusterPart(cluster, DOWN, failed.size(), error, List.copyOf(failed));
        }
    }

    public record Proposal(String fingerprint, String model, int schemas, int upToDate, int toChange,
                           Counts totals, List<ChangeSet> changeSets,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<ClusterPart> clusters) {
        public Proposal(String fingerprint, String model, int schemas, int upToDate, int toChange, Counts totals,
                        List<ChangeSet> changeSets) {
            this(fingerprint, model, schemas, upToDate, toChange, totals, changeSets, null);
        }
    }

    /**
     * @param stepsDone online steps completed by this run (null when the schema had none)
     * @param stepsLeft online steps not done because one failed (null when none are left); apply again finishes them
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SchemaOutcome(String schema, String outcome, int statements, List<String> skipped,
                                String fingerprintBefore, String fingerprintAfter, Boolean matchesModel,
                                Integer remaining, int attempts, long millis, String error, List<String> stepsDone,
                                List<String> stepsLeft, String cluster) {
        public SchemaOutcome(String schema, String outcome, int statements, List<String> skipped, String fingerprintBefore,
                             String fingerprintAfter, Boolean matchesModel, Integer remaining, int attempts, long millis,
                             String error) {
            this(schema, outcome, statements, skipped, fingerprintBefore, fingerprintAfter, matchesModel, remaining,
                    attempts, millis, error, null, null);
        }

        public SchemaOutcome(String schema, String outcome, int statements, List<String> skipped, String fingerprintBefore,
                             String fingerprintAfter, Boolean matchesModel, Integer remaining, int attempts, long millis,
                             String error, List<String> stepsDone, List<String> stepsLeft) {
            this(schema, outcome, statements, skipped, fingerprintBefore, fingerprintAfter, matchesModel, remaining,
                    attempts, millis, error, stepsDone, stepsLeft, null);
        }

        public SchemaOutcome verified(String after, boolean matches, int left) {
            return new SchemaOutcome(schema, outcome, statements, skipped, fingerprintBefore, after, matches, left, attempts,
                    millis, error, stepsDone, stepsLeft, cluster);
        }

        /** The same outcome, naming the cluster the schema lives on. */
        public SchemaOutcome on(String clusterName) {
            return new SchemaOutcome(schema, outcome, statements, skipped, fingerprintBefore, fingerprintAfter, matchesModel,
                    remaining, attempts, millis, error, stepsDone, stepsLeft, clusterName);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApplyReport(String task, boolean dryRun, boolean allowDestructive, String proposalFingerprint,
                              String backupId, int schemas, int changed, int unchanged, int failed,
                              int skippedStatements, boolean allMatchModel, List<SchemaOutcome> outcomes,
                              List<ClusterPart> clusters) {
        public ApplyReport(String task, boolean dryRun, boolean allowDestructive, String proposalFingerprint,
                           String backupId, int schemas, int changed, int unchanged, int failed, int skippedStatements,
                           boolean allMatchModel, List<SchemaOutcome> outcomes) {
            this(task, dryRun, allowDestructive, proposalFingerprint, backupId, schemas, changed, unchanged, failed,
                    skippedStatements, allMatchModel, outcomes, null);
        }
    }

    /** @param error why the state is failed when the schema's cluster could not be read (absent otherwise) */
    public record SchemaState(String schema, String state, String fingerprint, int pendingStatements,
                              long destructive, String lastOutcome,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String cluster,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
        public SchemaState(String schema, String state, String fingerprint, int pendingStatements, long destructive,
                           String lastOutcome) {
            this(schema, state, fingerprint, pendingStatements, destructive, lastOutcome, null, null);
        }

        public SchemaState on(String clusterName) {
            return new SchemaState(schema, state, fingerprint, pendingStatements, destructive, lastOutcome, clusterName, error);
        }
    }

    public record Status(String model, String sharedFingerprint, String projectFingerprint, int schemas,
                         java.util.Map<String, Integer> counts, List<SchemaState> schemaStates,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<ClusterPart> clusters) {
        public Status(String model, String sharedFingerprint, String projectFingerprint, int schemas,
                      java.util.Map<String, Integer> counts, List<SchemaState> schemaStates) {
            this(model, sharedFingerprint, projectFingerprint, schemas, counts, schemaStates, null);
        }
    }
}
