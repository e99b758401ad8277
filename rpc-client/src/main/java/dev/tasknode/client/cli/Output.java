package dev.tasknode.client.cli;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.messages.LogLine;
import dev.tasknode.contracts.tasks.ParamDef;
import dev.tasknode.contracts.messages.ProgressEvent;
import dev.tasknode.contracts.messages.TaskError;
import dev.tasknode.contracts.messages.TaskEvent;
import dev.tasknode.contracts.messages.TaskReply;
import dev.tasknode.contracts.messages.TaskResult;
import dev.tasknode.contracts.tasks.TaskSpec;
import dev.tasknode.contracts.messages.TaskSummary;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the CLI prints. Human form: log lines as {@code HH:MM:SS LEVEL message} in local time, progress only
 * now and then, a final status line. {@code --json}: the wire documents, one JSON object per line.
 */
final class Output {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Progress is shown when it crossed another tenth, its message changed, or this long after the last one. */
    static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final PrintStream out;
    private final PrintStream err;
    private final ZoneId zone;
    private final boolean json;
    private long lastProgressAt;
    private long lastTenth = -1;
    private String lastProgressMessage;
    private boolean progressShown;

    Output(PrintStream out, PrintStream err, ZoneId zone, boolean json) {
        this.out = out;
        this.err = err;
        this.zone = zone;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    void json(Object value) {
        out.println(Json.MAPPER.writeValueAsString(value));
        out.flush();
    }

    /** A line for people on stdout. */
    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** A notice on stderr (keeps stdout clean for the data). */
    void note(String text) {
        err.println("tasknode: " + text);
        err.flush();
    }

    void accepted(TaskReply reply, String node) {
        if (json) {
            json(reply);
            return;
        }
        String dup = reply.duplicate() ? " (already known: " + reply.status().wire() + ")" : "";
        out.println("task " + reply.taskId() + " accepted: " + reply.task() + " on " + node + dup);
        out.flush();
    }

    /** A live event while following a task. Results are printed by {@link #result}. */
    synchronized void live(TaskEvent e, long nowNanos) {
        if (json) {
            if (!(e instanceof TaskResult)) {
                json(e);
            }
            return;
        }
        switch (e) {
            case LogLine l -> out.println(logLine(l));
            case ProgressEvent p -> {
                if (showProgress(p, nowNanos)) {
                    out.println(progressLine(p));
                }
            }
            case TaskResult r -> { }
        }
        out.flush();
    }

    /** Every event, as the {@code logs} command lists them. */
    void events(List<TaskEvent> events) {
        for (TaskEvent e : events) {
            if (json) {
                json(e);
            } else {
                out.println(switch (e) {
                    case LogLine l -> logLine(l);
                    case ProgressEvent p -> progressLine(p);
                    case TaskResult r -> finalLine(r);
                });
            }
        }
        out.flush();
    }

    String logLine(LogLine l) {
        return clock(l.ts()) + " " + pad(l.level()) + " " + l.message();
    }

    String progressLine(ProgressEvent p) {
        String amount = p.total() > 0
                ? p.done() + "/" + p.total() + " (" + (p.done() * 100 / p.total()) + "%)"
                : String.valueOf(p.done());
        return clock(p.ts()) + " " + pad("PROG") + " " + amount + (p.message() == null ? "" : " " + p.message());
    }

    /** Sparingly: the first, the last, each new tenth, a new message, or after 5 s of silence. */
    boolean showProgress(ProgressEvent p, long nowNanos) {
        long tenth = p.total() > 0 ? p.done() * 10 / p.total() : -1;
        boolean show = !progressShown
                || (p.total() > 0 && p.done() >= p.total())
                || (tenth >= 0 && tenth != lastTenth)
                || (p.message() != null && !p.message().equals(lastProgressMessage))
                || nowNanos - lastProgressAt >= PROGRESS_EVERY_NANOS;
        if (show) {
            progressShown = true;
            lastProgressAt = nowNanos;
            lastTenth = tenth;
            lastProgressMessage = p.message();
        }
        return show;
    }

    /** The result document (if any) and the final status line. */
    void result(TaskResult r) {
        if (json) {
            json(r);
            return;
        }
        if (r.result() != null && !r.result().isNull() && !r.result().isEmpty()) {
            out.println(r.result().toPrettyString());
            String clusters = clustersLine(r.result());
            if (clusters != null) {
                out.println(clusters);
            }
        }
        out.println(finalLine(r));
        out.flush();
    }

    /**
     * A schema task's part per cluster, when the fleet spans several or one was down ("clusters: default ok, 3
     * schema(s) · tn2 DOWN: ..."); each schema's own cluster is in the result above. Null otherwise.
     */
    static String clustersLine(tools.jackson.databind.JsonNode result) {
        tools.jackson.databind.JsonNode cs = result.path("clusters");
        if (!cs.isArray() || cs.isEmpty()) {
            return null;
        }
        boolean down = false;
        StringBuilder b = new StringBuilder("clusters: ");
        for (int i = 0; i < cs.size(); i++) {
            tools.jackson.databind.JsonNode c = cs.get(i);
            boolean ok = "ok".equals(c.path("state").asString());
            down |= !ok;
            b.append(i == 0 ? "" : " · ").append(c.path("cluster").asString()).append(ok
                    ? " ok, " + c.path("schemas").asInt() + " schema(s)"
                    : " DOWN, " + c.path("schemas").asInt() + " schema(s) failed: " + c.path("error").asString());
        }
        return cs.size() > 1 || down ? b.toString() : null;
    }

    String finalLine(TaskResult r) {
        StringBuilder b = new StringBuilder(r.status().wire().toUpperCase(Locale.ROOT))
                .append(' ').append(r.task() == null ? "task" : r.task()).append(' ').append(r.taskId());
        if (r.startedAt() != null && r.finishedAt() != null) {
            b.append(" in ").append(seconds(r.duration()));
        }
        if (r.summary() != null && !r.summary().isBlank()) {
            b.append(": ").append(r.summary());
        }
        if (r.error() != null && !r.succeeded()) {
            b.append(r.summary() == null || r.summary().isBlank() ? ": " : " — ").append(describe(r.error()));
        }
        return b.toString();
    }

    void summary(TaskSummary s) {
        if (json) {
            json(s);
            return;
        }
        row("task id", s.taskId());
        row("task", s.task());
        row("node", s.node());
        row("status", s.status() == null ? null : s.status().wire() + (s.cancelRequested() ? " (cancel requested)" : ""));
        row("params", s.params() == null || s.params().isEmpty() ? null : Json.MAPPER.writeValueAsString(s.params()));
        row("requested by", s.requestedBy());
        row("created", stamp(s.createdAt()));
        row("started", stamp(s.startedAt()));
        row("finished", stamp(s.finishedAt()));
        row("summary", s.summary());
        row("last seq", String.valueOf(s.lastSeq()));
        out.flush();
    }

    void list(List<TaskSummary> tasks) {
        if (json) {
            json(tasks);
            return;
        }
        if (tasks.isEmpty()) {
            out.println("no tasks");
            return;
        }
        out.println(String.format("%-19s  %-11s  %-18s  %-36s  %s", "CREATED", "STATUS", "TASK", "TASK ID", "BY"));
        for (TaskSummary s : tasks) {
            out.println(String.format("%-19s  %-11s  %-18s  %-36s  %s", stamp(s.createdAt()),
                    s.status() == null ? "" : s.status().wire(), s.task(), s.taskId(),
                    s.requestedBy() == null ? "" : s.requestedBy()));
        }
        out.flush();
    }

    void specs(List<TaskSpec> specs) {
        if (json) {
            json(specs);
            return;
        }
        for (TaskSpec s : specs) {
            out.println(s.name() + (s.mutating() ? "  [changes data]" : "") + " — " + s.description());
            out.println("    param: " + s.hint());
            for (ParamDef p : s.params()) {
                out.println("    --param " + p.name() + "=…  " + p.accepted() + (p.required() ? ", required" : "")
                        + (p.defaultValue() != null && !"".equals(p.defaultValue()) ? ", default " + p.defaultValue() : "")
                        + (p.description() == null ? "" : " — " + p.description()));
            }
        }
        out.flush();
    }

    /** An error in --json mode: {@code {"ok": false, "error": {...}}} on stdout (stderr has the human line). */
    void error(TaskError error) {
        note(describe(error));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", false);
            doc.put("error", error);
            json(doc);
        }
    }

    static String describe(TaskError e) {
        return e.code() + ": " + e.message();
    }

    private void row(String name, String value) {
        if (value != null) {
            out.println(String.format("%-13s %s", name + ":", value));
        }
    }

    private String clock(Instant ts) {
        return ts == null ? "--:--:--" : CLOCK.format(ts.atZone(zone));
    }

    private String stamp(Instant ts) {
        return ts == null ? null : STAMP.format(ts.atZone(zone));
    }

    private static String pad(String level) {
        return String.format("%-5s", level == null ? "" : level);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
