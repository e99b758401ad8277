package dev.tasknode.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.contracts.Json;
import dev.tasknode.testing.TestEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Admin page's issue-13 fixes and features in a real browser against the real node: each test fails on the
 * page as it was before (stretched badges, counts that disagree, a frozen duration, mixed time formats, a lone
 * digit to confirm a restore, no filters, …).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminPageFeaturesTest {
    static final AdminTestNode NODE = new AdminTestNode();
    static final Duration TASK_TIME = Duration.ofSeconds(90);
    static final Pattern EXACT_UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");

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
    void proposalBadgesKeepTheirSizeAndItsCountsAreLabelledAndAgree() {
        browser.signInToPage(AdminTestNode.ADMIN, AdminTestNode.ADMIN_PASSWORD);
        browser.find(By.id("btn-propose")).click();
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("proposal")).isDisplayed());
        List<WebElement> stmts = browser.all(By.cssSelector("#proposal .stmt"));
        assertThat(stmts).isNotEmpty();
        int tallest = stmts.stream().mapToInt(s -> s.findElement(By.tagName("pre")).getRect().getHeight()).max().orElse(0);
        assertThat(tallest).as("a multi-line statement is there").isGreaterThan(60);
        for (WebElement b : browser.all(By.cssSelector("#proposal .stmt > .badge"))) {
            assertThat(b.getRect().getHeight()).as("badge height").isLessThan(30);
        }
        // the totals say what they count; the distinct ones add up to the badges shown below
        assertThat(browser.text(By.id("totals-distinct"))).startsWith("Statements to review:");
        assertThat(browser.text(By.id("totals-runs"))).contains("statements × schemas");
        for (String kind : new String[] {"safe", "locking", "destructive"}) {
            int shown = browser.all(By.cssSelector("#proposal .stmt > .badge." + kind)).size();
            String pair = browser.text(By.cssSelector("#totals-distinct [data-kind=" + kind + "]"));
            assertThat(pair).isEqualTo(kind + " " + shown);
        }
        browser.screenshot("proposal-counts");
    }

    @Test
    void aRunningTasksDurationMovesOnAndEveryTimeHasOneLabelledSwitchableFormat() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        startFromForm("sleep", "4");
        browser.waitFor(d -> d.findElement(By.id("detail-duration")).isDisplayed());
        String first = browser.text(By.id("detail-duration"));
        browser.waitFor(Duration.ofSeconds(5), d -> !d.findElement(By.id("detail-duration")).getText().equals(first));
        assertThat(browser.text(By.id("detail-meta"))).contains("running for");
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("detail-status")).getText().equals("succeeded"));
        browser.waitFor(d -> d.findElement(By.cssSelector("#runs-table tbody tr.selected time")).isDisplayed());

        List<String> times = titles();
        assertThat(times).hasSizeGreaterThan(3); // runs list, detail, log lines
        assertThat(times).allMatch(t -> EXACT_UTC.matcher(t).matches(), "every exact time in one labelled format");
        assertThat(browser.text(By.cssSelector("#runs-table tbody tr.selected time"))).matches("just now|\\d+ s ago");
        assertThat(browser.text(By.id("tz-label"))).isEqualTo("UTC");
        String utcTitle = times.get(0);

        browser.find(By.id("tz-toggle")).click(); // the browser's zone: America/New_York
        String local = browser.text(By.id("tz-label"));
        assertThat(local).isNotEqualTo("UTC").matches("E[SD]T|GMT-[45]");
        assertThat(titles()).allMatch(t -> t.endsWith(" " + local), "every time in the browser's zone");
        assertThat(titles().get(0)).isNotEqualTo(utcTitle);
        browser.driver.navigate().refresh(); // the choice is kept
        browser.waitFor(d -> d.findElement(By.id("tz-label")).getText().equals(local));
        browser.find(By.id("tz-toggle")).click();
    }

    @Test
    void aSessionThatEndedSaysSoAndTheFormNoLongerLooksUsable() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        browser.driver.manage().deleteCookieNamed("SESSION");
        browser.waitFor(Duration.ofSeconds(15), d -> d.findElement(By.id("banner")).isDisplayed());
        assertThat(browser.text(By.id("banner"))).contains("signed out").doesNotContain("Failed to fetch");
        assertThat(browser.find(By.id("start")).isEnabled()).isFalse();
        assertThat(browser.find(By.id("param")).isEnabled()).isFalse();
        assertThat(browser.find(By.id("btn-propose")).isEnabled()).isFalse();
        browser.find(By.id("sign-in-again")).click();
        browser.waitFor(d -> d.getCurrentUrl().contains("/login"));
    }

    @Test
    void refusedParametersAreAnswersNotConsoleErrors() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        browser.driver.manage().logs().get(LogType.BROWSER); // drop what came before
        new Select(browser.find(By.id("task-select"))).selectByValue("sleep");
        browser.type(By.id("param"), "soon");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().startsWith("✗"));
        browser.type(By.id("param"), "99999");
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().contains("out of range"));
        assertThat(browser.driver.manage().logs().get(LogType.BROWSER).getAll())
                .filteredOn(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).isEmpty();
    }

    @Test
    void runsCanBeFilteredSearchedAndPagedAndShowThePersonNotTheBrokerUser() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        for (int i = 0; i < 27; i++) {
            startViaApi("ping", i == 13 ? "needle-in-the-haystack" : "hay " + i);
        }
        startViaApi("list_backups", "");
        browser.waitFor(d -> d.findElement(By.id("runs-page")).getText().matches("1–25 of \\d+.*"));
        new Select(browser.find(By.id("runs-task"))).selectByValue("ping");
        browser.waitFor(d -> d.findElement(By.id("runs-page")).getText().matches("1–25 of (2[7-9]|[3-9]\\d).*"));
        assertThat(column(0)).containsOnly("ping");
        assertThat(column(2)).containsOnly(AdminTestNode.OPERATOR); // not "bob (via guest)"
        browser.find(By.id("runs-next")).click();
        browser.waitFor(d -> d.findElement(By.id("runs-page")).getText().startsWith("26–"));
        browser.find(By.id("runs-prev")).click();
        browser.type(By.id("runs-search"), "needle");
        browser.waitFor(d -> d.findElement(By.id("runs-page")).getText().startsWith("1–1 of 1"));
        new Select(browser.find(By.id("runs-task"))).selectByValue("");
        browser.type(By.id("runs-search"), "");
        new Select(browser.find(By.id("runs-status"))).selectByValue("succeeded");
        browser.waitFor(d -> column(0).contains("ping"));
        assertThat(column(1)).containsOnly("succeeded");
        // the restore dialog's and the fleet card's look-ups stay out of the way unless asked for
        assertThat(column(0)).doesNotContain("list_backups", "schema_status");
        browser.find(By.id("runs-lookups")).click();
        browser.waitFor(d -> column(0).contains("list_backups"));
        String summary = browser.text(By.cssSelector("#runs-table tbody tr td.summary"));
        assertThat(browser.driver.getPageSource()).doesNotContain(NODE.backupDir.toString());
        assertThat(summary).isNotBlank();
        browser.screenshot("runs-filtered");
    }

    @Test
    void aRunHasItsOwnAddressWhichSurvivesSigningIn() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        startFromForm("sleep", "1");
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("detail-status")).getText().equals("succeeded"));
        String url = browser.driver.getCurrentUrl();
        assertThat(url).matches(".*/admin/runs/[0-9a-f-]{36}");
        int lines = browser.all(By.cssSelector("#log li")).size();
        browser.driver.manage().deleteAllCookies();
        browser.driver.get(url);
        browser.waitFor(d -> d.getCurrentUrl().contains("/login"));
        browser.type(By.id("username"), AdminTestNode.ADMIN);
        browser.type(By.id("password"), AdminTestNode.ADMIN_PASSWORD);
        browser.find(By.id("sign-in")).click();
        browser.waitFor(d -> d.getCurrentUrl().startsWith(url)); // Spring Security adds ?continue
        browser.waitFor(d -> d.findElement(By.id("detail-status")).getText().equals("succeeded"));
        browser.waitFor(d -> d.findElements(By.cssSelector("#log li")).size() == lines);
    }

    @Test
    void theLogPaneFiltersSearchesCopiesAndDownloads() throws Exception {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        startFromForm("sleep", "2");
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("detail-status")).getText().equals("succeeded"));
        int all = browser.all(By.cssSelector("#log li")).size();
        assertThat(all).isGreaterThanOrEqualTo(3);
        assertThat(browser.find(By.id("log-follow")).isSelected()).isTrue();
        new Select(browser.find(By.id("log-level"))).selectByValue("ERROR");
        browser.waitFor(d -> d.findElements(By.cssSelector("#log li")).isEmpty());
        assertThat(browser.text(By.id("log-count"))).isEqualTo("0 of " + all + " lines");
        new Select(browser.find(By.id("log-level"))).selectByValue("DEBUG");
        browser.type(By.id("log-search"), "slept 2 of");
        browser.waitFor(d -> d.findElements(By.cssSelector("#log li")).size() == 1);
        browser.find(By.id("log-copy")).click();
        browser.waitFor(d -> d.findElement(By.id("log-copy")).getText().equals("Copied 1 lines"));
        browser.type(By.id("log-search"), "");

        String id = browser.driver.getCurrentUrl().replaceAll(".*/", "");
        browser.find(By.id("log-download-txt")).click();
        Path txt = browser.waitFor(d -> existing("sleep-" + id + ".log.txt"));
        List<String> text = Files.readAllLines(txt);
        assertThat(text).hasSize(all);
        assertThat(text.get(0)).matches(EXACT_UTC.pattern() + " INFO  sleeping 2 s");
        browser.find(By.id("log-download-json")).click();
        Path json = browser.waitFor(d -> existing("sleep-" + id + ".events.json"));
        List<?> events = Json.MAPPER.readValue(Files.readString(json), List.class);
        assertThat(events).hasSize(all);
        assertThat(((Map<?, ?>) events.get(0)).keySet()).map(String::valueOf).contains("seq", "level", "message", "ts");
    }

    @Test
    void shortcutsShowTheirScopeIgnoreTheParameterFieldAndAskBeforeChangingData() {
        browser.signInToPage(AdminTestNode.ADMIN, AdminTestNode.ADMIN_PASSWORD);
        new Select(browser.find(By.id("task-select"))).selectByValue("schema_status");
        browser.type(By.id("param"), "7"); // left in the field: must not scope a shortcut
        assertThat(browser.text(By.id("btn-backup"))).contains("everything");
        browser.find(By.id("btn-backup")).click();
        browser.waitFor(d -> d.findElement(By.id("scope-dialog")).isDisplayed());
        assertThat(browser.find(By.cssSelector("#scope-choice input[value='']")).isSelected()).isTrue();
        browser.find(By.id("scope-cancel")).click();
        browser.waitFor(d -> !d.findElement(By.id("scope-dialog")).isDisplayed());

        new Select(browser.find(By.id("shortcut-scope"))).selectByValue("shared");
        assertThat(browser.text(By.id("btn-create-tables"))).contains("shared schema");
        String before = browser.driver.getCurrentUrl();
        browser.find(By.id("btn-create-tables")).click();
        browser.waitFor(d -> d.findElement(By.id("scope-dialog")).isDisplayed());
        assertThat(browser.find(By.cssSelector("#scope-choice input[value=shared]")).isSelected()).isTrue();
        browser.find(By.id("scope-start")).click();
        browser.waitFor(d -> !d.getCurrentUrl().equals(before));
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("detail-status")).getText().equals("succeeded"));
        assertThat(browser.text(By.id("detail-meta"))).endsWith("params {\"scope\":\"shared\"}");
    }

    @Test
    void theFleetCardLoadsOnOpenAndARunFinishingElsewhereIsAnnounced() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        browser.waitFor(TASK_TIME, d -> d.findElement(By.id("fleet-note")).getText().startsWith("Last backup"));
        assertThat(browser.text(By.id("count-up_to_date"))).matches("(?s)\\d+\\s.*");
        browser.driver.executeScript("document.getElementById('fleet').scrollIntoView()");
        browser.screenshot("fleet");

        String id = startViaApi("sleep", "2"); // started "elsewhere": not the run on screen
        browser.waitFor(TASK_TIME, d -> !d.findElements(By.cssSelector("#toasts .toast[data-task-id='" + id + "']")).isEmpty());
        assertThat(browser.text(By.cssSelector("#toasts .toast"))).contains("sleep", "succeeded");
        assertThat(browser.driver.getTitle()).startsWith("✓ sleep succeeded");
    }

    @Test
    void restoreAsksForTheFullTargetAndComparesTheBackupWithWhatIsLive() throws Exception {
        browser.signInToPage(AdminTestNode.ADMIN, AdminTestNode.ADMIN_PASSWORD);
        browser.runShortcut("btn-create-tables");
        sql("INSERT INTO shared.users (email, name) VALUES ('ops@example.com', 'Ops') ON CONFLICT DO NOTHING",
                "INSERT INTO shared.projects (id, name, owner_id) SELECT 3, 'three', min(id) FROM shared.users ON CONFLICT DO NOTHING");
        browser.runShortcut("btn-create-tables");
        browser.runShortcut("btn-backup");
        sql("CREATE TABLE IF NOT EXISTS p_3.added_after_backup (x int)");

        browser.find(By.id("btn-restore")).click();
        browser.waitFor(TASK_TIME, d -> !d.findElements(By.cssSelector("#backups-table .choose-backup")).isEmpty());
        browser.find(By.cssSelector("#backups-table .choose-backup")).click();
        browser.waitFor(TASK_TIME, d -> !d.findElements(By.cssSelector("#restore-compare-table tr[data-schema=p_3]")).isEmpty());
        List<WebElement> p3 = browser.find(By.cssSelector("#restore-compare-table tr[data-schema=p_3]")).findElements(By.tagName("td"));
        int backupTables = Integer.parseInt(p3.get(1).getText());
        assertThat(Integer.parseInt(p3.get(3).getText())).isEqualTo(backupTables + 1);
        assertThat(p3.get(5).getText()).contains("tables now");
        assertThat(browser.all(By.cssSelector("#restore-compare-table tr[data-schema=shared]"))).hasSize(1);

        browser.find(By.cssSelector("#restore-scope input[value=project]")).click();
        assertThat(browser.text(By.id("restore-expected"))).isEqualTo("p_3");
        browser.type(By.id("restore-confirm"), "3");
        browser.waitFor(d -> d.findElement(By.id("restore-feedback")).getText().contains("Type exactly “p_3”"));
        assertThat(browser.find(By.id("restore-start")).isEnabled()).isFalse();
        browser.type(By.id("restore-confirm"), "p_3");
        browser.waitFor(d -> d.findElement(By.id("restore-feedback")).getText().startsWith("✓"));
        browser.screenshot("restore-compare");
    }

    @Test
    void darkModeFollowsTheSystemAndThePageFitsAPhoneAndAWideScreen() {
        browser.signInToPage(AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        assertThat(brightness()).isGreaterThan(600);
        browser.driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        browser.waitFor(d -> brightness() < 150);
        browser.screenshot("tasks-dark");
        browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        for (int width : new int[] {390, 1920}) {
            browser.driver.manage().window().setSize(new Dimension(width, 1000));
            browser.waitFor(d -> ((Number) browser.driver.executeScript("return window.innerWidth")).intValue() <= width);
            Number overflow = (Number) browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow.intValue()).as("horizontal overflow at " + width + " px").isLessThanOrEqualTo(0);
            browser.screenshot("tasks-" + width);
        }
    }

    // ---- helpers

    private void startFromForm(String task, String param) {
        new Select(browser.find(By.id("task-select"))).selectByValue(task);
        browser.type(By.id("param"), param);
        browser.waitFor(d -> d.findElement(By.id("param-feedback")).getText().startsWith("✓"));
        String before = browser.driver.getCurrentUrl();
        browser.find(By.id("start")).click();
        browser.waitFor(d -> !d.getCurrentUrl().equals(before));
    }

    /** Starts a run from outside the page's controls (as another tab would): its task id. */
    private String startViaApi(String task, String param) {
        Object id = browser.driver.executeAsyncScript("""
                const [task, param, done] = arguments;
                fetch('/admin/api/me').then(r => r.json()).then(me => fetch('/admin/api/runs', {method: 'POST',
                  headers: {'Content-Type': 'application/json', [me.csrf_header]: me.csrf_token},
                  body: JSON.stringify({task, param})})).then(r => r.json()).then(b => done(b.task_id), e => done(String(e)));""",
                task, param);
        assertThat(String.valueOf(id)).matches("[0-9a-f-]{36}");
        return (String) id;
    }

    /** The exact times (hover titles) of every time on the page, read in one go. */
    @SuppressWarnings("unchecked")
    private List<String> titles() {
        return (List<String>) browser.driver.executeScript(
                "return [...document.querySelectorAll('time[data-ts]')].map(t => t.title)");
    }

    /** One column of the runs table, read in one go (the table is redrawn every few seconds). */
    @SuppressWarnings("unchecked")
    private List<String> column(int i) {
        return (List<String>) browser.driver.executeScript("return [...document.querySelectorAll("
                + "'#runs-table tbody tr[data-task-id]')].map(tr => tr.cells[arguments[0]].innerText.trim())", i);
    }

    /**
     * The downloaded file once Chromium has finished it: it reserves the final name with an empty file at once and
     * writes to a {@code .crdownload} file, renamed over it at the end (reading on the first sight read an empty file).
     */
    private Path existing(String name) {
        Path p = browser.downloads.resolve(name);
        try {
            boolean writing;
            try (var all = Files.list(browser.downloads)) {
                writing = all.map(f -> f.getFileName().toString())
                        .anyMatch(f -> f.endsWith(".crdownload") || f.startsWith(".com.google.Chrome."));
            }
            return !writing && Files.isRegularFile(p) && Files.size(p) > 0 ? p : null;
        } catch (java.io.IOException e) {
            return null; // renamed meanwhile: look again
        }
    }

    private int brightness() {
        String bg = (String) browser.driver.executeScript("return getComputedStyle(document.body).backgroundColor || ''");
        String root = (String) browser.driver.executeScript("return getComputedStyle(document.documentElement).backgroundColor");
        String c = bg.startsWith("rgba(0, 0, 0, 0)") || bg.isEmpty() ? root : bg;
        java.util.regex.Matcher m = Pattern.compile("(\\d+), (\\d+), (\\d+)").matcher(c);
        assertThat(m.find()).as(c).isTrue();
        return Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3));
    }

    private static void sql(String... statements) throws Exception {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        try (Connection c = DriverManager.getConnection(pg.urlFor(NODE.database), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
