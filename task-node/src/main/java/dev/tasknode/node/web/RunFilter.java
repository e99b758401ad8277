package dev.tasknode.node.web;

import dev.tasknode.contracts.Json;
import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.messages.TaskSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The runs list's filters and paging, and how a run is shown: the person who asked without the page's broker
 * user ("alice (via guest)" → person "alice"), and the server's backup directory left out of summaries.
 */
record RunFilter(String task, String status, String user, String query, boolean lookups) {
    /** How many of the newest runs the filters look through. */
    static final int SCAN = 500;
    /** Read-only look-ups the page itself runs (restore dialog, fleet card): hidden unless asked for. */
    static final Set<String> LOOKUPS = Set.of(TaskNames.LIST_BACKUPS, TaskNames.SHOW_BACKUP, TaskNames.SCHEMA_STATUS);

    boolean matches(TaskSummary s) {
        if (!task.isBlank() && !task.equals(s.task())) {
            return false;
        }
        if (task.isBlank() && !lookups && LOOKUPS.contains(s.task())) {
            return false;
        }
        if (!status.isBlank() && (s.status() == null || !status.equalsIgnoreCase(s.status().wire()))) {
            return false;
        }
        if (!user.isBlank() && !user.equals(person(s.requestedBy()))) {
            return false;
        }
        String q = query.strip().toLowerCase(Locale.ROOT);
        return q.isEmpty() || contains(s.summary(), q) || contains(s.task(), q) || contains(s.taskId(), q)
                || contains(String.valueOf(s.params()), q);
    }

    Map<String, Object> page(List<TaskSummary> scanned, int offset, int limit, String backupDir) {
        List<TaskSummary> hits = scanned.stream().filter(this::matches).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", hits.stream().skip(offset).limit(limit).map(s -> view(s, backupDir)).toList());
        out.put("total", hits.size());
        out.put("offset", offset);
        out.put("limit", limit);
        out.put("scanned", scanned.size());
        out.put("users", scanned.stream().map(s -> person(s.requestedBy())).filter(u -> u != null).distinct().sorted().toList());
        return out;
    }

    /** The wire form of a run plus {@code person}; the backup directory in its summary becomes BACKUP_DIR. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> view(TaskSummary s, String backupDir) {
        Map<String, Object> v = Json.MAPPER.convertValue(s, LinkedHashMap.class);
        v.put("person", person(s.requestedBy()));
        if (s.summary() != null && backupDir != null && !backupDir.isBlank()) {
            v.put("summary", s.summary().replace(backupDir, "BACKUP_DIR"));
        }
        return v;
    }

    /** "alice (via guest)" → "alice": the broker user the page signs in with is an internal detail. */
    static String person(String requestedBy) {
        if (requestedBy == null) {
            return null;
        }
        int via = requestedBy.lastIndexOf(" (via ");
        return via > 0 && requestedBy.endsWith(")") ? requestedBy.substring(0, via) : requestedBy;
    }

    private static boolean contains(String s, String q) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(q);
    }
}
