package dev.tasknode.node.deploy;

import static dev.tasknode.node.deploy.DeployFiles.deploy;
import static dev.tasknode.node.deploy.DeployFiles.list;
import static dev.tasknode.node.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Alert rules and dashboard are well-formed and cover what issue 3 asks for. Which metric names they may use
 * is {@link DeployLiveNodeTest}'s job (against a real scrape of the node).
 */
class DeployMonitoringTest {

    @Test
    void metricNameExtractionSeesMetricsNotFunctionsLabelsOrDurations() {
        assertThat(DeployFiles.metricNames(
                "histogram_quantile(0.95, sum by (le, task) (rate(tasknode_task_duration_seconds_bucket{outcome=~\"a|b\"}[5m])))"))
                .containsExactly("tasknode_task_duration_seconds_bucket");
        assertThat(DeployFiles.metricNames(
                "time() - min(x_seconds > 0) > scalar(tasknode:limit) and on() (sum(up{job=\"t\"}) offset 1h > 1e3)"))
                .containsExactly("x_seconds", "tasknode:limit", "up");
        assertThat(DeployFiles.metricNames("a / on (instance) group_left (task) b unless c[$__rate_interval]"))
                .containsExactly("a", "b", "c");
        assertThat(DeployFiles.metricNames("sum(rate(m_total{q=~\"$node|$node\\\\.control\"}[${__rate_interval}])) by (reason)"))
                .containsExactly("m_total");
    }

    @Test
    void everyRuleIsWellFormed() {
        Map<String, Object> file = DeployFiles.yamlMap(deploy("prometheus/alerts.yml"));
        Set<String> alertNames = new HashSet<>();
        for (Object g : list(file.get("groups"), "groups")) {
            Map<String, Object> group = map(g, "group");
            assertThat(group.get("name")).isNotNull();
            for (Object r : list(group.get("rules"), "rules")) {
                Map<String, Object> rule = map(r, "rule");
                assertThat(rule.containsKey("alert") ^ rule.containsKey("record")).as("alert xor record: " + rule).isTrue();
                assertThat(String.valueOf(rule.get("expr"))).isNotBlank();
                assertBalanced(String.valueOf(rule.get("expr")));
                if (rule.containsKey("alert")) {
                    assertThat(alertNames.add(rule.get("alert").toString())).as("unique alert name").isTrue();
                    assertThat(map(rule.get("labels"), "labels").get("severity")).isIn("critical", "warning", "info");
                    Map<String, Object> annotations = map(rule.get("annotations"), "annotations");
                    assertThat(annotations).containsKeys("summary", "description");
                    if (rule.containsKey("for")) {
                        assertThat(rule.get("for").toString()).matches("\\d+[smhdw]");
                    }
                } else {
                    // recording rule names follow level:metric:operation, i.e. contain a colon
                    assertThat(rule.get("record").toString()).contains(":");
                }
            }
        }
        assertThat(alertNames).as("what issue 3 asks to alert on").contains("TaskNodeDown", "TaskNodeTasksFailed",
                "TaskNodeBackupTooOld", "TaskNodeSchemasPendingTooLong", "TaskNodeQueueBacklogGrowing");
    }

    @Test
    void thresholdsAreConfigurableRecordingRules() {
        Map<String, String> rules = DeployFiles.ruleExpressions();
        assertThat(rules.get("tasknode:backup_max_age_seconds")).isEqualTo("vector(" + Duration.ofHours(24).toSeconds() + ")");
        assertThat(rules.get("tasknode:schemas_pending_alert_after_seconds")).matches("vector\\(\\d+\\)");
        assertThat(rules.get("TaskNodeBackupTooOld")).contains("tasknode:backup_max_age_seconds");
        assertThat(rules.get("TaskNodeSchemasPendingTooLong")).contains("tasknode:schemas_pending_alert_after_seconds");
    }

    @Test
    void everyRecordingRuleNameUsedIsDefined() {
        Set<String> recorded = DeployFiles.recordedNames();
        DeployFiles.usedMetricNames().forEach((name, where) -> {
            if (name.contains(":")) {
                assertThat(recorded).as(name + " used by " + where).contains(name);
            }
        });
    }

    @Test
    void backlogRuleUsesPerQueueBrokerMetricsOfTheRequestQueue() {
        String expr = DeployFiles.ruleExpressions().get("TaskNodeQueueBacklogGrowing");
        assertThat(expr).contains("rabbitmq_queue_messages_ready{queue=\"admin.task_node\"}");
    }

    @Test
    void dashboardIsWellFormedAndCoversTasksQueueSchemasAndBackups() {
        Map<String, Object> dash = DeployFiles.jsonMap(deploy("grafana/dashboards/tasknode.json"));
        assertThat(dash.get("uid")).isEqualTo("tasknode");
        assertThat(dash.get("title")).isNotNull();
        assertThat(dash.get("schemaVersion")).isInstanceOf(Integer.class);
        Set<Object> ids = new HashSet<>();
        List<String> titles = new ArrayList<>();
        for (Object p : list(dash.get("panels"), "panels")) {
            Map<String, Object> panel = map(p, "panel");
            assertThat(ids.add(panel.get("id"))).as("unique panel id " + panel.get("id")).isTrue();
            Map<String, Object> pos = map(panel.get("gridPos"), "gridPos");
            assertThat(pos).containsKeys("x", "y", "w", "h");
            assertThat((Integer) pos.get("x") + (Integer) pos.get("w")).as("panel fits the 24-column grid").isLessThanOrEqualTo(24);
            titles.add(String.valueOf(panel.get("title")));
            if (!"row".equals(panel.get("type"))) {
                List<Object> targets = list(panel.get("targets"), panel.get("title") + ".targets");
                assertThat(targets).isNotEmpty();
                Set<Object> refIds = new HashSet<>();
                for (Object t : targets) {
                    Map<String, Object> target = map(t, "target");
                    assertThat(refIds.add(target.get("refId"))).isTrue();
                    assertThat(String.valueOf(target.get("expr"))).isNotBlank();
                    assertBalanced(String.valueOf(target.get("expr")));
                }
            }
        }
        Map<String, String> exprs = DeployFiles.dashboardExpressions();
        String all = String.join("\n", exprs.values());
        assertThat(all).contains("tasknode_task_duration_seconds_count").contains("by (outcome)")
                .contains("tasknode_task_duration_seconds_bucket")
                .contains("rabbitmq_queue_messages_ready")
                .contains("tasknode_schemas").contains("by (state)")
                .contains("tasknode_backup_last_success_timestamp_seconds").contains("tasknode_backup_size_bytes");
    }

    private static void assertBalanced(String expr) {
        int paren = 0;
        int brace = 0;
        int bracket = 0;
        boolean inString = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' && (i == 0 || expr.charAt(i - 1) != '\\')) {
                inString = !inString;
            }
            if (inString) {
                continue;
            }
            switch (c) {
                case '(' -> paren++;
                case ')' -> paren--;
                case '{' -> brace++;
                case '}' -> brace--;
                case '[' -> bracket++;
                case ']' -> bracket--;
                default -> { }
            }
            assertThat(paren >= 0 && brace >= 0 && bracket >= 0).as("balanced: " + expr).isTrue();
        }
        assertThat(paren == 0 && brace == 0 && bracket == 0 && !inString).as("balanced: " + expr).isTrue();
    }
}
