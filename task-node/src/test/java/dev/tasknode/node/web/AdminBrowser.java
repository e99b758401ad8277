package dev.tasknode.node.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium through the system chromedriver, for the Admin page tests. Nothing is downloaded:
 * both paths are given, so Selenium Manager never runs. Missing packages fail the test with what to install.
 */
final class AdminBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("tasknode.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("tasknode.chromedriver", "/usr/bin/chromedriver"));

    /** The browser's own zone, not UTC, so "UTC or the browser's zone" are really two different things. */
    static final String BROWSER_ZONE = "America/New_York";

    final ChromeDriver driver;
    final Path downloads;
    private final Path profile;
    private final String base;

    AdminBrowser(int port) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The Admin page browser tests need Debian's headless Chromium and its driver at "
                    + CHROMIUM + " and " + CHROMEDRIVER + ". Install them: apt-get update && apt-get install -y chromium chromium-driver");
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        try {
            profile = Files.createTempDirectory("tasknode-chromium");
            downloads = Files.createDirectories(profile.resolve("downloads"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1360,1100", "--user-data-dir=" + profile);
        options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .withEnvironment(java.util.Map.of("TZ", BROWSER_ZONE)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1360, 1100));
        base = "http://127.0.0.1:" + port;
    }

    void open(String path) {
        driver.get(base + path);
    }

    void signIn(String user, String password) {
        driver.manage().deleteAllCookies();
        open("/admin/");
        waitFor(d -> d.getCurrentUrl().contains("/login"));
        type(By.id("username"), user);
        type(By.id("password"), password);
        driver.findElement(By.id("sign-in")).click();
    }

    /** Signs in and waits until the page knows who is signed in and has read the node's tasks. */
    void signInToPage(String user, String password) {
        signIn(user, password);
        // generous: the first page of a freshly started node on a loaded machine can take a while
        waitFor(Duration.ofSeconds(60), d -> d.findElement(By.id("user-name")).getText().equals(user));
        waitFor(Duration.ofSeconds(60), d -> !d.findElements(By.cssSelector("#task-select option")).isEmpty());
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    void type(By by, String text) {
        WebElement e = driver.findElement(by);
        e.clear();
        e.sendKeys(text);
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        return waitFor(Duration.ofSeconds(20), condition);
    }

    <T> T waitFor(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(d -> {
            try {
                T v = condition.apply(d);
                return v instanceof Boolean b && !b ? null : v;
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
                return null;
            }
        });
    }

    /** The element's text; re-finds it when the page re-rendered it between the find and the read. */
    String text(By by) {
        return waitFor(d -> d.findElement(by).getText());
    }

    /**
     * The texts of the matching elements, once there is at least one; read again from a new find when the page
     * re-rendered one of them between the find and the read.
     */
    List<String> texts(By by) {
        return waitFor(d -> {
            List<String> t = d.findElements(by).stream().map(WebElement::getText).toList();
            return t.isEmpty() ? null : t;
        });
    }

    /**
     * Saves a screenshot to target/screenshots, and also to the directory named by {@code -Dadmin.screenshots}
     * (relative to the repository root), e.g. {@code -Dadmin.screenshots=docs/screenshots}.
     */
    void screenshot(String name) {
        try {
            Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
            Path local = Path.of("target", "screenshots");
            Files.createDirectories(local);
            Files.copy(png, local.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            String docs = System.getProperty("admin.screenshots");
            if (docs != null && !docs.isBlank()) {
                Path dir = Path.of(docs).isAbsolute() ? Path.of(docs) : Path.of("..").resolve(docs);
                Files.createDirectories(dir);
                Files.copy(png, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp profile left behind is harmless
        }
    }

    /**
     * Runs a toolbar shortcut (through the scope dialog when it asks) and waits until the page shows the run
     * succeeded. Here, not on a test class: reaching a test class's statics would start its node's database.
     */
    void runShortcut(String button) {
        String before = driver.getCurrentUrl();
        find(By.id(button)).click();
        if (find(By.id("scope-dialog")).isDisplayed()) {
            find(By.id("scope-start")).click();
        }
        waitFor(d -> !d.getCurrentUrl().equals(before)); // the page selected the new run
        waitFor(Duration.ofSeconds(90), d -> !d.findElements(By.cssSelector("#detail-result .result")).isEmpty());
        org.assertj.core.api.Assertions.assertThat(text(By.id("detail-status"))).as(text(By.id("detail-result")))
                .isEqualTo("succeeded");
    }
}
