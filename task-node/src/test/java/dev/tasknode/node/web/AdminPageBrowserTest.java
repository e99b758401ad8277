package dev.tasknode.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.testing.TestEndpoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Admin → Tasks page in a real browser against the real node (PostgreSQL and RabbitMQ on loopback): the page
 * goes through the broker like any caller. Screenshots of the main states go to target/screenshots (and to
 * docs/screenshots with {@code -Dadmin.screenshots=docs/screenshots}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminPageBrowserTest {
    static final AdminTestNode NODE = new AdminTestNode();
    static final Duration TASK_TIME = Duration.ofSeconds(90);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        NODE.register(r);
    }

    @AfterAll
    static void drop() {
        NODE.drop();
    }

    @LocalServerPort
    int port;
    AdminBrowser browser;

    @BeforeEach
    void openBrowser() {
        browser = new AdminBrowser(port);
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void signInIsRequiredAndAWrongPasswordIsRefused() {
        browser.signIn(AdminTestNode.ADMIN, "wrong password");
        browser.waitFor(d -> d.findElement(By.id("login-error")).isDisplayed());
        assertThat(browser.text(By.id("login-error"))).contains("Wrong user name or password");
        browser.screenshot("login-refused");
        browser.type(By.id("username"), AdminTestNode.ADMIN);
        browser.type(By.id("password"), AdminTestNode.ADMIN_PASSWORD);
        browser.find(By.id("sign-in")).click();
        browser.waitFor(d -> d.findElement(By.id("user-name")).getText().equals(AdminTestNode.ADMIN));
        assertThat(browser.text(By.id("user-roles"))).contains("ADMIN");
        assertThat(browser.driver.getPageSource()).doesNotContain(AdminTestNode.ADMIN_PASSWORD).doesNotContain("$2a$");
        browser.screenshot("tasks-page");
        browser.find(By.cssSelector("#logout-form button")).click();
        browser.waitFor(d -> d.getPageSource().contains("You are signed out"));
        browser.open("/admin/");
        browser.waitFor(d -> d.getCurrentUrl().contains("/login"));
    }

    @Test
    void sleepFromTheDropdownStreamsItsLogLiveAndKeepsItAfterReload() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        new Select(browser.find(By.id("task-select"))).selectByValue("sleep");
        assertThat(browser.text(By.id("task-description"))).contains("logs a line every second");
        browser.type(By.id("param"), "3");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().contains("seconds = 3"));
        browser.find(By.id("start")).click();

        // a line shows while the task still runs: it came live, not at the end
        browser.waitFor(d -> !d.findElements(By.cssSelector("#log li")).isEmpty());
        assertThat(browser.text(By.id("detail-status"))).isEqualTo("running");
        browser.screenshot("tasks-running");
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("detail-status")).getText().equals("succeeded"));
        int lines = browser.all(By.cssSelector("#log li")).size();
        assertThat(lines).isGreaterThanOrEqualTo(3);
        browser.waitFor(d -> d.findElement(By.cssSelector("#runs-table tbody tr.selected")).getText().contains("succeeded"));
        assertThat(browser.text(By.cssSelector("#runs-table tbody tr.selected"))).contains("sleep", "bob");
        browser.screenshot("tasks-finished");

        browser.driver.navigate().refresh();
        browser.waitFor(d -> d.findElement(By.id("detail-status")).getText().equals("succeeded"));
        browser.waitFor(d -> d.findElements(By.cssSelector("#log li")).size() == lines);
    }

    @Test
    void stopEndsARunningTask() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        new Select(browser.find(By.id("task-select"))).selectByValue("sleep");
        browser.type(By.id("param"), "60");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().contains("seconds = 60"));
        browser.find(By.id("start")).click();
        browser.waitFor(d -> d.findElement(By.id("stop")).isDisplayed());
        browser.waitFor(d -> !d.findElements(By.cssSelector("#log li")).isEmpty());
        browser.find(By.id("stop")).click();
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("detail-status")).getText().equals("cancelled"));
        assertThat(browser.find(By.id("stop")).isDisplayed()).isFalse();
    }

    @Test
    void anInvalidParameterIsRefusedInThePage() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        new Select(browser.find(By.id("task-select"))).selectByValue("sleep");
        browser.type(By.id("param"), "soon");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().startsWith("✗"));
        assertThat(browser.text(By.id("param-feedback"))).contains("whole number from 0 to 3600");
        assertThat(browser.find(By.id("param")).getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find(By.id("start")).isEnabled()).isFalse();
        browser.type(By.id("param"), "4000");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().contains("4000 is out of range"));
        browser.screenshot("invalid-parameter");
        browser.type(By.id("param"), "2");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().startsWith("✓"));
        assertThat(browser.find(By.id("start")).isEnabled()).isTrue();
    }

    @Test
    void anOperatorCannotRestore() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        assertThat(browser.find(By.id("btn-restore")).isEnabled()).isFalse();
        assertThat(browser.find(By.id("btn-restore")).getDomAttribute("title")).contains("ADMIN");
        // the server refuses even when the page is bypassed
        Object status = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/admin/api/me').then(r => r.json()).then(me => fetch('/admin/api/runs', {method: 'POST',
                  headers: {'Content-Type': 'application/json', [me.csrf_header]: me.csrf_token},
                  body: JSON.stringify({task: 'restore_database', param: '20250520_123456:shared'})}))
                  .then(r => done(r.status), e => done(String(e)));""");
        assertThat(status).isEqualTo(403L);
    }

    @Test
    void restoreFromTheDropdownNeedsAnAdmin() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        new Select(browser.find(By.id("task-select"))).selectByValue("restore_database");
        browser.type(By.id("param"), "20250520_123456:shared");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().contains("needs the ADMIN role"));
        assertThat(browser.find(By.id("start")).isEnabled()).isFalse();
    }

    @Test
    void proposeMigrationsShowsTheSql() {
        browser.signInToPage(AdminTestNode.ADMIN, AdminTestNode.ADMIN_PASSWORD);
        browser.find(By.id("btn-propose")).click();
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("proposal")).isDisplayed());
        // whatever ran before in this database (nothing, or create_tables plus a probe table) there is SQL to
        // review: the model's tables to create, or the probe table to drop
        assertThat(browser.all(By.cssSelector("#proposal .changeset"))).isNotEmpty();
        assertThat(browser.text(By.cssSelector("#proposal pre.sql"))).containsPattern("(?i)create|drop");
        assertThat(browser.all(By.cssSelector("#proposal .stmt .badge"))).isNotEmpty();
        // each statement says how it runs: phase, form and the lock it takes (issue 12)
        assertThat(browser.text(By.cssSelector("#proposal .stmt .form"))).containsPattern("transaction|online");
        assertThat(browser.find(By.id("download-sql")).isDisplayed()).isTrue();
        browser.screenshot("proposal");
    }

    @Test
    void applyingAProposalIsRefusedWhenTheFleetChangedSince() throws SQLException {
        browser.signInToPage(AdminTestNode.ADMIN, AdminTestNode.ADMIN_PASSWORD);
        runShortcut("btn-propose");
        browser.waitFor(d -> d.findElement(By.id("apply-proposal")).isDisplayed());
        sql("CREATE SCHEMA IF NOT EXISTS shared", "CREATE TABLE IF NOT EXISTS shared.admin_drift_" + System.nanoTime() + "(x int)");
        String before = browser.driver.getCurrentUrl();
        browser.find(By.id("apply-proposal")).click();
        browser.driver.switchTo().alert().accept();
        browser.waitFor(d -> !d.getCurrentUrl().equals(before));
        // the result (not only the status) has arrived once the result box is there
        browser.waitFor(TASK_TIME, d -> !d.findElements(By.cssSelector("#detail-result .result")).isEmpty());
        assertThat(browser.text(By.id("detail-status"))).isEqualTo("failed");
        assertThat(browser.text(By.id("detail-result"))).contains("changed since the proposal");
        browser.screenshot("apply-refused");
    }

    @Test
    void fleetViewCountsSchemasAndShowsTheLastBackup() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        browser.find(By.id("fleet-refresh")).click();
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("fleet-note")).getText().startsWith("Last backup"));
        for (String state : new String[] {"up_to_date", "pending", "drifted", "failed"}) {
            assertThat(browser.text(By.id("count-" + state))).matches("(?s)\\d+\\s.*");
        }
        // each schema row names its cluster: one cluster here, the node's own database ("default")
        assertThat(browser.text(By.cssSelector("#fleet-detail thead"))).contains("Cluster");
        assertThat(browser.text(By.cssSelector("#fleet-detail tbody td.cluster"))).isEqualTo("default");
        browser.driver.executeScript("document.getElementById('fleet').scrollIntoView()");
        browser.screenshot("fleet");
    }

    @Test
    void backupThenRestoreThroughTheDialogBringsTheDataBack() throws SQLException {
        browser.signInToPage(AdminTestNode.ADMIN, AdminTestNode.ADMIN_PASSWORD);
        runShortcut("btn-create-tables");
        sql("CREATE TABLE IF NOT EXISTS shared.admin_probe(v text)", "DELETE FROM shared.admin_probe",
                "INSERT INTO shared.admin_probe VALUES ('kept')");
        runShortcut("btn-backup");
        sql("UPDATE shared.admin_probe SET v = 'changed'");

        browser.find(By.id("btn-restore")).click();
        browser.waitFor(TASK_TIME, d -> !d.findElements(By.cssSelector("#backups-table .choose-backup")).isEmpty());
        browser.find(By.cssSelector("#backups-table .choose-backup")).click();
        browser.waitFor(TASK_TIME, d -> d.findElement(By.cssSelector("#restore-manifest .manifest")).isDisplayed());
        browser.find(By.cssSelector("#restore-scope input[value=shared]")).click();
        assertThat(browser.text(By.id("restore-expected"))).isEqualTo("shared");
        assertThat(browser.find(By.id("restore-start")).isEnabled()).isFalse();
        browser.type(By.id("restore-confirm"), "shared");
        browser.waitFor(d -> d.findElement(By.id("restore-feedback")).getText().startsWith("✓"));
        browser.screenshot("restore-dialog");
        browser.find(By.id("restore-start")).click();
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("restore-status")).getText().equals("succeeded"));
        browser.screenshot("restore-done");
        assertThat(query("SELECT v FROM shared.admin_probe")).isEqualTo("kept");
    }

    private void runShortcut(String button) {
        browser.runShortcut(button);
    }

    private static Connection db() throws SQLException {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        return DriverManager.getConnection(pg.urlFor(NODE.database), pg.user(), pg.password());
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = db(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static String query(String q) throws SQLException {
        try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
