package dev.tasknode.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.messages.TaskStatus;
import dev.tasknode.node.TaskNodeApplication;
import dev.tasknode.node.schema.tasks.CreateTablesTask;
import dev.tasknode.node.support.RecordingContext;
import dev.tasknode.testing.TestEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Admin page of a node whose fleet spans two real clusters (main and tn2): the fleet card shows each cluster's
 * part under the counts and each schema row naming its cluster; the restore dialog shows a backup's clusters and
 * compares each schema with what is live on its own cluster.
 */
class AdminClustersBrowserTest {
    static final AdminTestNode NODE = new AdminTestNode("tn_c_admin");
    static final TestEndpoints.Postgres PG2 = TestEndpoints.postgres2();
    static final String DB2 = TestEndpoints.createDatabase(PG2, "tn_c_admin");
    static ConfigurableApplicationContext node;

    @BeforeAll
    static void start() throws Exception {
        List<String> args = new ArrayList<>();
        NODE.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.addAll(List.of("--server.port=0", "--tasknode.schema.project-ids-query=",
                "--tasknode.clusters.default.project-ids-query=VALUES ('h1')",
                "--tasknode.clusters.tn2.url=" + PG2.urlFor(DB2), "--tasknode.clusters.tn2.username=" + PG2.user(),
                "--tasknode.clusters.tn2.password=" + PG2.password(),
                "--tasknode.clusters.tn2.project-ids-query=VALUES ('t1'), ('t2')"));
        node = new SpringApplicationBuilder(TaskNodeApplication.class).run(args.toArray(String[]::new));
        RecordingContext ctx = new RecordingContext("create_tables", Map.of());
        assertThat(node.getBean(CreateTablesTask.class).run(ctx).status()).as(String.join("\n", ctx.lines))
                .isEqualTo(TaskStatus.SUCCEEDED);
    }

    @AfterAll
    static void stop() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            NODE.drop();
            TestEndpoints.dropDatabase(PG2, DB2);
        }
    }

    @Test
    void theFleetCardShowsEachClusterAndEachSchemasCluster() {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        try (AdminBrowser browser = new AdminBrowser(port)) {
            browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
            browser.find(By.id("fleet-refresh")).click();
            browser.waitFor(Duration.ofSeconds(90), d -> d.findElement(By.id("fleet-note")).getText().startsWith("Last backup"));
            assertThat(browser.text(By.id("fleet-clusters"))).contains("default 2 schemas").contains("tn2 3 schemas");
            assertThat(browser.text(By.cssSelector("#fleet-detail tbody"))).contains("p_t1").contains("p_h1");
            // the card may render its table again meanwhile (the fleet view, then its backups): read the cells afresh
            List<String> clusters = browser.texts(By.cssSelector("#fleet-detail tbody td.cluster"));
            assertThat(clusters).containsOnly("default", "tn2").contains("tn2");
            browser.find(By.id("fleet-filter")).sendKeys("tn2");
            browser.waitFor(d -> d.findElements(By.cssSelector("#fleet-detail tbody tr")).size() == 3);
            browser.driver.executeScript("document.getElementById('fleet').scrollIntoView()");
            browser.screenshot("fleet-clusters");
        }
    }

    /**
     * The restore dialog of a backup of both clusters: the manifest names each schema's cluster, and the comparison
     * with what is live now reads each schema on its own cluster — both shared schemas (one per cluster) and the
     * projects of tn2 exist there, so none is reported missing.
     */
    @Test
    void theRestoreDialogComparesEachSchemaOnItsOwnCluster() {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        try (AdminBrowser browser = new AdminBrowser(port)) {
            browser.signInToPage(AdminTestNode.ADMIN, AdminTestNode.ADMIN_PASSWORD);
            browser.runShortcut("btn-backup");
            browser.find(By.id("btn-restore")).click();
            browser.waitFor(Duration.ofSeconds(90), d -> !d.findElements(By.cssSelector("#backups-table .choose-backup")).isEmpty());
            // the list names the clusters a backup holds: default's shared and h1, tn2's shared, t1 and t2
            assertThat(browser.text(By.cssSelector("#backups-table tbody tr td.clusters"))).isEqualTo("default 2 · tn2 3");
            browser.find(By.cssSelector("#backups-table .choose-backup")).click();
            browser.waitFor(Duration.ofSeconds(90), d -> !d.findElements(By.cssSelector("#restore-compare-table tr[data-cluster=tn2]")).isEmpty());
            assertThat(browser.all(By.cssSelector("#restore-compare-table tr[data-schema=shared]"))).hasSize(2);
            for (String row : List.of("tr[data-schema=shared][data-cluster=tn2]", "tr[data-schema=p_t1][data-cluster=tn2]",
                    "tr[data-schema=shared][data-cluster=default]", "tr[data-schema=p_h1][data-cluster=default]")) {
                String text = browser.text(By.cssSelector("#restore-compare-table " + row));
                assertThat(text).as(row).contains("same tables").doesNotContain("does not exist");
            }
            assertThat(browser.text(By.cssSelector("#restore-compare-table tr[data-schema=p_t1] td.cluster"))).isEqualTo("tn2");
            List<String> manifestClusters = browser.driver.findElements(By.cssSelector("#restore-manifest table.manifest-schemas td.cluster"))
                    .stream().map(e -> e.getText()).toList();
            assertThat(manifestClusters).containsOnly("default", "tn2").contains("tn2");
            browser.screenshot("restore-clusters");
        }
    }
}
