package dev.tasknode.node.backup;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Backups ({@code tasknode.backup.*}). Every key has an environment form; the directory also reads BACKUP_DIR. */
@ConfigurationProperties("tasknode.backup")
public class BackupProperties {
    /** Where backups live (one directory per backup). Never created by tasknode: missing = error + health warning. */
    private Path dir = Path.of("/opt/carrier/backup");
    /** The PostgreSQL client tools; should match the server's major version (or be newer). */
    private String pgDump = "pg_dump";
    private String pgRestore = "pg_restore";
    /** Restores the prototype's plain-SQL backups. */
    private String psql = "psql";
    /**
     * pg_dump runs at once for one backup (each dumps a batch of schemas). 0 = one per core of this node, at most 4:
     * a run is mostly catalog work in its server process, so more runs than cores only adds catalog reads.
     */
    private int workers = 0;
    /**
     * Relations one pg_dump run may lock (it holds a lock per table until it ends; the server's lock table holds
     * about max_locks_per_transaction x (max_connections + max_prepared_transactions)). 0 = derive from the server:
     * three quarters of its lock table, minus the locks held when the backup starts, shared by the workers.
     */
    private int lockBudget = 0;
    /**
     * Tables one archive (one pg_dump run) holds at most, below the lock budget: a restore of one project reads its
     * archive's whole table of contents, so its time grows with the archive (at 10,000 projects, 1.70 s of pg_restore
     * for an archive of 105,000 tables, 0.63 s for 21,000). More, smaller runs cost a catalog read each. 0 = no limit.
     */
    private int maxTablesPerArchive = 60_000;
    /** pg_dump --lock-wait-timeout: a dump neither stalls behind nor blocks a migration for longer. */
    private Duration lockWaitTimeout = Duration.ofSeconds(30);
    /**
     * Before dumping, ANALYZE pg_catalog.pg_constraint when the planner misjudges its foreign keys (see
     * CatalogStatistics): pg_dump's foreign-key query then runs as a nested loop over every key in the database.
     */
    private boolean analyzeCatalogs = true;
    /**
     * Restore the schemas of one batch archive together (pg_restore runs of up to 200 tables, one transaction each,
     * the swaps batched: BatchRestore); false = one schema at a time, as before 2026-12 (kept for comparison and as a
     * fallback).
     */
    private boolean restoreBatches = true;
    /**
     * How long a restore keeps the schema it replaced (renamed {@code _replaced_<schema>_<hex>}) as its way back;
     * prune_backups drops it after that. 0 = never kept (a safety pg_dump is then the only way back).
     */
    private Duration keepReplaced = Duration.ofDays(7);
    /** How long a backup or restore waits for a schema's advisory lock (held by apply / another restore). */
    private Duration schemaLockWait = Duration.ofSeconds(60);
    /**
     * A backup or restore of more schemas than this takes the fleet lock (one lock-table entry, excluding every
     * apply and restore on the database) instead of one advisory lock per schema: those are entries of the server's
     * lock table, which a pg_dump run then cannot use. Apply locks rounds of tasknode.schema.advisory-lock-round.
     */
    private int fleetLockAbove = 1000;
    /** Hard time limit for one pg_dump / pg_restore / psql run; it is killed after that. */
    private Duration subprocessTimeout = Duration.ofHours(6);
    private final Schedule schedule = new Schedule();
    private final Retention retention = new Retention();

    /** Cron expressions (Spring's 6 fields, UTC). Empty = off. Run as ordinary recorded tasks on one replica. */
    public static class Schedule {
        /** backup_database of everything, e.g. "0 0 2 * * *". */
        private String backup = "";
        /** verify_backup of the newest complete backup. */
        private String verify = "";
        /** prune_backups with the configured retention. */
        private String prune = "";

        public String getBackup() {
            return backup;
        }

        public void setBackup(String backup) {
            this.backup = backup;
        }

        public String getVerify() {
            return verify;
        }

        public void setVerify(String verify) {
            this.verify = verify;
        }

        public String getPrune() {
            return prune;
        }

        public void setPrune(String prune) {
            this.prune = prune;
        }
    }

    /** What prune_backups keeps when called without parameters. 0 = that rule is off; both off = keep everything. */
    public static class Retention {
        private int keepLast = 14;
        private int keepDays = 0;

        public int getKeepLast() {
            return keepLast;
        }

        public void setKeepLast(int keepLast) {
            this.keepLast = keepLast;
        }

        public int getKeepDays() {
            return keepDays;
        }

        public void setKeepDays(int keepDays) {
            this.keepDays = keepDays;
        }
    }

    public Path getDir() {
        return dir;
    }

    public void setDir(Path dir) {
        this.dir = dir;
    }

    public String getPgDump() {
        return pgDump;
    }

    public void setPgDump(String pgDump) {
        this.pgDump = pgDump;
    }

    public String getPgRestore() {
        return pgRestore;
    }

    public void setPgRestore(String pgRestore) {
        this.pgRestore = pgRestore;
    }

    public String getPsql() {
        return psql;
    }

    public void setPsql(String psql) {
        this.psql = psql;
    }

    public int getWorkers() {
        return workers;
    }

    public void setWorkers(int workers) {
        this.workers = workers;
    }

    /** {@link #getWorkers()}, or one per core of this node (at most 4) when 0. */
    public int effectiveWorkers() {
        return workers > 0 ? workers : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public int getMaxTablesPerArchive() {
        return maxTablesPerArchive;
    }

    public void setMaxTablesPerArchive(int maxTablesPerArchive) {
        this.maxTablesPerArchive = maxTablesPerArchive;
    }

    public int getLockBudget() {
        return lockBudget;
    }

    public void setLockBudget(int lockBudget) {
        this.lockBudget = lockBudget;
    }

    public boolean isAnalyzeCatalogs() {
        return analyzeCatalogs;
    }

    public void setAnalyzeCatalogs(boolean analyzeCatalogs) {
        this.analyzeCatalogs = analyzeCatalogs;
    }

    public Duration getKeepReplaced() {
        return keepReplaced;
    }

    public void setKeepReplaced(Duration keepReplaced) {
        this.keepReplaced = keepReplaced;
    }

    public boolean isRestoreBatches() {
        return restoreBatches;
    }

    public void setRestoreBatches(boolean restoreBatches) {
        this.restoreBatches = restoreBatches;
    }

    public Duration getLockWaitTimeout() {
        return lockWaitTimeout;
    }

    public void setLockWaitTimeout(Duration lockWaitTimeout) {
        this.lockWaitTimeout = lockWaitTimeout;
    }

    public int getFleetLockAbove() {
        return fleetLockAbove;
    }

    public void setFleetLockAbove(int fleetLockAbove) {
        if (fleetLockAbove < 0) {
            throw new IllegalArgumentException("tasknode.backup.fleet-lock-above must be 0 or more, got " + fleetLockAbove);
        }
        this.fleetLockAbove = fleetLockAbove;
    }

    public Duration getSchemaLockWait() {
        return schemaLockWait;
    }

    public void setSchemaLockWait(Duration schemaLockWait) {
        this.schemaLockWait = schemaLockWait;
    }

    public Duration getSubprocessTimeout() {
        return subprocessTimeout;
    }

    public void setSubprocessTimeout(Duration subprocessTimeout) {
        this.subprocessTimeout = subprocessTimeout;
    }

    public Schedule getSchedule() {
        return schedule;
    }

    public Retention getRetention() {
        return retention;
    }
}
