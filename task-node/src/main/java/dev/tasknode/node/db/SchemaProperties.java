package dev.tasknode.node.db;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Naming of the managed schemas ({@code tasknode.schema.*}), shared by the schema engine and backups. */
@ConfigurationProperties("tasknode.schema")
public class SchemaProperties {
    /** Name of the shared schema. */
    private String shared = "shared";
    /** Project schema name template; {id} is the project id. */
    private String projectTemplate = "p_{id}";
    /**
     * Query returning the project ids (one text column); {shared} is replaced by the shared schema name. Its ids are
     * united with the existing schemas matching the template. Empty = schemas only.
     */
    private String projectIdsQuery = "SELECT id::text FROM {shared}.projects";

    public String getShared() {
        return shared;
    }

    public void setShared(String shared) {
        this.shared = shared;
    }

    public String getProjectTemplate() {
        return projectTemplate;
    }

    public void setProjectTemplate(String projectTemplate) {
        this.projectTemplate = projectTemplate;
    }

    public String getProjectIdsQuery() {
        return projectIdsQuery;
    }

    public void setProjectIdsQuery(String projectIdsQuery) {
        this.projectIdsQuery = projectIdsQuery;
    }

    // --- schema engine (create_tables, propose/apply_migrations, schema_status) ---
    /**
     * Directory holding the model files ({@code shared/*.sql}, {@code project/*.sql}). Empty = the classpath:
     * {@code classpath*:<models-classpath>/shared/*.sql} etc., from every jar that contributes files.
     */
    private String modelsDir = "";
    /** Classpath folder of the model files when models-dir is empty. */
    private String modelsClasspath = "db/model";
    /** lock_timeout of every migration transaction: a DDL statement waits at most this long for its table lock. */
    private Duration lockTimeout = Duration.ofSeconds(5);
    /** Further attempts of a schema whose migration hit lock_timeout (jittered, growing pauses). */
    private int lockRetries = 3;
    /** How long apply waits for another node's advisory lock on a schema before it reports the schema as busy. */
    private Duration advisoryLockWait = Duration.ofSeconds(60);
    /**
     * Schemas apply locks per round (it locks, migrates and releases a round before the next): each advisory lock
     * takes an entry of the server's lock table ({@code max_locks_per_transaction × max_connections}, shared by all
     * sessions), so a large fleet is never locked at once.
     */
    private int advisoryLockRound = 1000;
    /** Schemas migrated or created at once (each uses one pooled connection). */
    private int parallelism = 4;
    /**
     * Batches of 500 schemas whose catalogs propose, apply and status read at once, each on its own pooled connection
     * (each keeps one server core busy while this node diffs the previous batch). 1 = one after the other.
     */
    private int inspectParallelism = 2;
    /** Tables with at least this many rows (planner estimate) make a plain index build count as locking. */
    private long largeTableRows = 100_000;
    /**
     * lock_timeout of each online step (and of the NOT VALID additions): short, because writers queue behind a DDL
     * statement that waits for its lock. A step that times out is retried ({@code lockRetries}).
     */
    private Duration onlineLockTimeout = Duration.ofSeconds(2);
    /** statement_timeout of each online step (index builds, validations); zero = none. */
    private Duration onlineStatementTimeout = Duration.ZERO;
    /** Run each change set on a scratch copy before live (needs CREATEDB and pg_dump/psql); off only by choice. */
    private boolean validatePlans = true;

    public String getModelsDir() {
        return modelsDir;
    }

    public void setModelsDir(String modelsDir) {
        this.modelsDir = modelsDir;
    }

    public String getModelsClasspath() {
        return modelsClasspath;
    }

    public void setModelsClasspath(String modelsClasspath) {
        this.modelsClasspath = modelsClasspath;
    }

    public Duration getLockTimeout() {
        return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public int getLockRetries() {
        return lockRetries;
    }

    public void setLockRetries(int lockRetries) {
        this.lockRetries = lockRetries;
    }

    public Duration getAdvisoryLockWait() {
        return advisoryLockWait;
    }

    public void setAdvisoryLockWait(Duration advisoryLockWait) {
        this.advisoryLockWait = advisoryLockWait;
    }

    public int getAdvisoryLockRound() {
        return advisoryLockRound;
    }

    public void setAdvisoryLockRound(int advisoryLockRound) {
        if (advisoryLockRound < 1) {
            throw new IllegalArgumentException("tasknode.schema.advisory-lock-round must be at least 1, got " + advisoryLockRound);
        }
        this.advisoryLockRound = advisoryLockRound;
    }

    public int getInspectParallelism() {
        return inspectParallelism;
    }

    public void setInspectParallelism(int inspectParallelism) {
        if (inspectParallelism < 1) {
            throw new IllegalArgumentException("tasknode.schema.inspect-parallelism must be at least 1, got " + inspectParallelism);
        }
        this.inspectParallelism = inspectParallelism;
    }

    public int getParallelism() {
        return parallelism;
    }

    public void setParallelism(int parallelism) {
        this.parallelism = parallelism;
    }

    public long getLargeTableRows() {
        return largeTableRows;
    }

    public void setLargeTableRows(long largeTableRows) {
        this.largeTableRows = largeTableRows;
    }

    public Duration getOnlineLockTimeout() {
        return onlineLockTimeout;
    }

    public void setOnlineLockTimeout(Duration onlineLockTimeout) {
        this.onlineLockTimeout = onlineLockTimeout;
    }

    public Duration getOnlineStatementTimeout() {
        return onlineStatementTimeout;
    }

    public void setOnlineStatementTimeout(Duration onlineStatementTimeout) {
        this.onlineStatementTimeout = onlineStatementTimeout;
    }

    public boolean isValidatePlans() {
        return validatePlans;
    }

    public void setValidatePlans(boolean validatePlans) {
        this.validatePlans = validatePlans;
    }
}
