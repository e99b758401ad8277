package dev.tasknode.node.store;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.config.NodeProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * Task runs and their events in the node's own schema. Everything a caller can ask after the fact (status,
 * result, logs, recent runs) is answered from here, by any replica.
 */
@Component
public class TaskStore {
    /** Advisory lock class each live process holds (see Liveness); its absence marks the process dead. */
    public static final int LIVENESS_LOCK_CLASS = 0x746b6e30; // 'tkn0'
    private static final String ACTIVE = "('accepted','running')";

    private final JdbcClient jdbc;
    private final JdbcTemplate plain;
    private final TransactionTemplate tx;
    private final String t;
    private final String ev;
    private final String inst;

    public TaskStore(JdbcClient jdbc, JdbcTemplate plain, TransactionTemplate tx, NodeProperties props,
                     StoreInitializer initialized) {
        this.jdbc = jdbc;
        this.plain = plain;
        this.tx = tx;
        String s = props.getStoreSchema();
        this.t = s + ".task_run";
        this.ev = s + ".task_event";
        this.inst = s + ".node_instance";
    }

    /**
     * Records a new run; false when the task id is already known (the caller then reads the existing row).
     * Asynchronous commit: the row is visible to every replica at once (duplicates, control calls), and
     * becomes durable with {@link #markRunning}'s synchronous commit, before the request is acknowledged —
     * so "accepted" can go out without waiting for an fsync, and a crash in between only means the broker
     * delivers the request again.
     */
    public boolean insert(String taskId, String node, String task, Map<String, Object> params, String requestedBy,
                          String instanceId, Instant deadline) {
        // one statement, one round trip: set_config(…, true) is SET LOCAL for the statement's own transaction
        return jdbc.sql("WITH async AS (SELECT set_config('synchronous_commit', 'off', true))"
                        + " INSERT INTO " + t + " (task_id, node, task, params, status, requested_by, instance_id, deadline)"
                        + " SELECT ?, ?, ?, ?::jsonb, 'accepted', ?, ?, ? FROM async ON CONFLICT (task_id) DO NOTHING")
                .params(taskId, node, task, Json.MAPPER.writeValueAsString(params), requestedBy, instanceId,
                        deadline == null ? null : Timestamp.from(deadline))
                .update() == 1;
    }

    /**
     * Removes a run that was recorded but never started (its start failed, e.g. the database went away between
     * the two commits), so the request the broker delivers again is taken as new.
     */
    public boolean forget(String taskId) {
        return jdbc.sql("DELETE FROM " + t + " WHERE task_id = ? AND status = 'accepted'").param(taskId).update() == 1;
    }

    public Optional<TaskRow> find(String taskId) {
        return jdbc.sql("SELECT * FROM " + t + " WHERE task_id = ?").param(taskId).query(TaskStore::row).optional();
    }

    /**
     * Marks a run started and says whether someone asked to cancel it meanwhile. Synchronous commit: it makes
     * the run's record ({@link #insert}, committed asynchronously) durable too; the request is acknowledged
     * after it.
     */
    public boolean markRunning(String taskId, Instant startedAt) {
        // one statement in autocommit: its own transaction, no BEGIN/COMMIT round trips on the listener's path
        return jdbc.sql("UPDATE " + t + " SET status = 'running', started_at = ? WHERE task_id = ?"
                        + " AND status = 'accepted' RETURNING cancel_requested")
                .params(Timestamp.from(startedAt), taskId).query(Boolean.class).optional().orElse(false);
    }

    /**
     * Appends events (one multi-row batch) and advances the runs' last_seq, in one transaction with an
     * asynchronous commit: log lines are not worth an fsync each; the result's transaction ({@link #finish})
     * is synchronous and makes everything before it durable too.
     */
    public void appendEvents(List<TaskEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            asyncCommit();
            insertEvents(events);
        });
    }

    private void asyncCommit() {
        plain.execute("SET LOCAL synchronous_commit = off");
    }

    private void insertEvents(List<TaskEvent> events) {
        plain.batchUpdate("INSERT INTO " + ev + " (task_id, seq, ts, kind, level, message, done, total)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", events, 500, (ps, e) -> {
            ps.setString(1, e.taskId());
            ps.setLong(2, e.seq());
            ps.setTimestamp(3, Timestamp.from(e.ts()));
            ps.setString(4, e.type());
            if (e instanceof LogLine l) {
                ps.setString(5, l.level());
                ps.setString(6, l.message());
                ps.setObject(7, null);
                ps.setObject(8, null);
            } else if (e instanceof ProgressEvent p) {
                ps.setString(5, null);
                ps.setString(6, p.message());
                ps.setLong(7, p.done());
                ps.setLong(8, p.total());
            }
        });
        Map<String, Long> last = new java.util.HashMap<>();
        events.forEach(e -> last.merge(e.taskId(), e.seq(), Math::max));
        last.forEach((id, seq) -> jdbc.sql("UPDATE " + t + " SET last_seq = GREATEST(last_seq, ?) WHERE task_id = ?")
                .params(seq, id).update());
    }

    /**
     * Records the end of a run unless it already ended (e.g. a peer marked it interrupted).
     *
     * @return false when the run was already terminal
     */
    public boolean finish(String taskId, TaskStatus status, String summary, Object result, TaskError error,
                          long lastSeq, Instant finishedAt, List<TaskEvent> lastEvents) {
        return Boolean.TRUE.equals(tx.execute(st -> {
            insertEvents(lastEvents);
            return finishRow(taskId, status, summary, result, error, lastSeq, finishedAt);
        }));
    }

    private boolean finishRow(String taskId, TaskStatus status, String summary, Object result, TaskError error,
                              long lastSeq, Instant finishedAt) {
        return jdbc.sql("UPDATE " + t + " SET status = ?, summary = ?, result = ?::jsonb, error = ?::jsonb,"
                        + " last_seq = ?, finished_at = ?, started_at = COALESCE(started_at, ?)"
                        + " WHERE task_id = ? AND status IN " + ACTIVE)
                .params(status.wire(), summary, result == null ? null : Json.MAPPER.writeValueAsString(result),
                        error == null ? null : Json.MAPPER.writeValueAsString(error), lastSeq,
                        Timestamp.from(finishedAt), Timestamp.from(finishedAt), taskId)
                .update() == 1;
    }

    /** Log and progress events with seq ≥ fromSeq, in order. */
    public List<TaskEvent> events(String taskId, long fromSeq, int limit) {
        return jdbc.sql("SELECT * FROM " + ev + " WHERE task_id = ? AND seq >= ? ORDER BY seq LIMIT ?")
                .params(taskId, fromSeq, limit)
                .query((rs, n) -> {
                    Instant ts = rs.getTimestamp("ts").toInstant();
                    return "progress".equals(rs.getString("kind"))
                            ? (TaskEvent) ProgressEvent.of(taskId, rs.getLong("seq"), ts, rs.getLong("done"),
                            rs.getLong("total"), rs.getString("message"))
                            : LogLine.of(taskId, rs.getLong("seq"), ts, rs.getString("level"), rs.getString("message"));
                }).list();
    }

    public List<TaskRow> recent(String node, int limit) {
        return jdbc.sql("SELECT * FROM " + t + " WHERE node = ? ORDER BY created_at DESC LIMIT ?")
                .params(node, limit).query(TaskStore::row).list();
    }

    /** Flags a run for cancellation; false when it is unknown or already finished. */
    public boolean requestCancel(String taskId) {
        return jdbc.sql("UPDATE " + t + " SET cancel_requested = true WHERE task_id = ? AND status IN " + ACTIVE)
                .param(taskId).update() == 1;
    }

    /** Runs of this instance that someone asked to cancel. */
    public List<String> cancelRequested(String instanceId) {
        return jdbc.sql("SELECT task_id FROM " + t + " WHERE instance_id = ? AND cancel_requested AND status IN " + ACTIVE)
                .param(instanceId).query(String.class).list();
    }

    public void registerInstance(String instanceId, String node, int lockKey, String host) {
        jdbc.sql("INSERT INTO " + inst + " (instance_id, node, lock_key, host) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (instance_id) DO UPDATE SET lock_key = EXCLUDED.lock_key, started_at = now()")
                .params(instanceId, node, lockKey, host).update();
    }

    /**
     * Marks interrupted every active run whose instance is gone: its liveness advisory lock is no longer held
     * (the process died, its connection closed). Returns the rows it changed.
     */
    public List<TaskRow> reapOrphans(String node) {
        String alive = aliveInstancesSql();
        String error = Json.MAPPER.writeValueAsString(TaskError.of("interrupted",
                "the node running this task stopped before it finished"));
        List<TaskRow> reaped = jdbc.sql("UPDATE " + t + " SET status = 'interrupted', finished_at = now(),"
                        + " summary = 'interrupted: the node running it stopped', error = ?::jsonb, last_seq = last_seq + 1"
                        + " WHERE node = ? AND status IN " + ACTIVE + " AND (instance_id IS NULL OR instance_id NOT IN (" + alive + "))"
                        + " RETURNING *")
                .params(error, node).query(TaskStore::row).list();
        jdbc.sql("DELETE FROM " + inst + " WHERE node = ? AND instance_id NOT IN (" + alive + ")").param(node).update();
        return reaped;
    }

    /** SQL of the instance ids whose process lives: it holds its liveness advisory lock (see Liveness). */
    public String aliveInstancesSql() {
        return "SELECT i.instance_id FROM " + inst + " i JOIN pg_locks l ON l.locktype = 'advisory'"
                + " AND l.classid = " + LIVENESS_LOCK_CLASS + " AND l.objid = i.lock_key AND l.objsubid = 2 AND l.granted";
    }

    private static TaskRow row(ResultSet rs, int n) throws SQLException {
        String params = rs.getString("params");
        String result = rs.getString("result");
        String error = rs.getString("error");
        return new TaskRow(rs.getString("task_id"), rs.getString("node"), rs.getString("task"),
                params == null ? Map.of() : Json.MAPPER.readValue(params, new TypeReference<Map<String, Object>>() {}),
                TaskStatus.fromWire(rs.getString("status")), rs.getString("requested_by"), rs.getString("instance_id"),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("summary"),
                result == null ? null : Json.MAPPER.readTree(result),
                error == null ? null : Json.MAPPER.readValue(error, TaskError.class),
                rs.getLong("last_seq"), rs.getBoolean("cancel_requested"));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp ts = rs.getTimestamp(col);
        return ts == null ? null : ts.toInstant();
    }

}
