package dev.dbmq.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.dbmq.Enqueue;
import dev.dbmq.FailedFilter;
import dev.dbmq.FailedTask;
import dev.dbmq.FinishedAttempt;
import dev.dbmq.Foreman;
import dev.dbmq.ManualForeman;
import dev.dbmq.MinuteCount;
import dev.dbmq.PendingFilter;
import dev.dbmq.PendingTask;
import dev.dbmq.Schedule;
import dev.dbmq.Task;
import dev.dbmq.TaskContext;
import dev.dbmq.TaskQueue;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium, driven by Selenium through Debian's chromedriver: filtering and requeueing
 * failed tasks, cancelling a running task, a read-only operator seeing no buttons and refused a forged call, reading
 * the history, the recurring schedules and the throughput chart, and task text that looks like markup shown as text.
 * Saves a screenshot of each page to target/screenshots, or to {@code docs/dashboard/} with
 * {@code -Ddbmq.screenshots=docs}.
 * Skipped when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing
 * ({@code apt-get install chromium chromium-driver}); tagged {@code browser}: a plain {@code mvn verify} leaves it out,
 * {@code -Pci} runs it.
 */
@Tag("browser")
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String XSS_ARGS_TEXT = "<script>alert(1)</script>";
    static final String XSS_REASON = "<img src=x onerror=alert(1)>";
    static final Task<String> DIGEST = Task.of("digest", String.class);
    static final Task<String> IMPORT = Task.of("import", String.class);

    @TempDir
    Path dir;

    TaskQueue queue;
    HttpServer server;
    ChromeDriverService service;
    ChromeDriver driver;
    WebDriverWait wait;

    @BeforeEach
    void browserAndQueue() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install -y chromium");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), CHROMEDRIVER + " is missing: apt-get install -y chromium-driver");
        queue = TaskQueue.sqlite(dir.resolve("q.db"));
        Fixtures.fail(queue, Fixtures.EMAIL, Map.of("e-timeout-1", "gateway timeout", "e-timeout-2",
                "gateway timeout", "e-refused", "connection refused"));
        Fixtures.fail(queue, Fixtures.REPORT, Map.of("r-timeout", "gateway timeout", XSS_ARGS_TEXT, XSS_REASON));
        queue.enqueue(DIGEST, "weekly", Enqueue.after(Duration.ofHours(2)).key("digest:weekly"));
        queue.enqueue(DIGEST, "daily", Enqueue.after(Duration.ofMinutes(20)).key("digest:daily"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/dbmq", Dashboard.builder(queue).access(r -> Access.FULL).build().httpHandler());
        server.createContext("/readonly", Dashboard.builder(queue).access(r -> Access.READ_ONLY).build()
                .httpHandler());
        server.start();
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--user-data-dir=" + dir.resolve("profile"));
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 800));
        // the page renders its tables anew every 2 s: an element found a moment ago may be gone; try again
        wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (server != null) {
            server.stop(0);
        }
        if (queue != null) {
            queue.close();
        }
    }

    String base(String mount) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + mount + "/";
    }

    /** An element's exact text, read in one script call (atomic with the page's re-rendering); null when absent. */
    String text(String css) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "const e = document.querySelector(arguments[0]); return e === null ? null : e.textContent;", css);
    }

    /** How many elements match, read in one script call. */
    long count(String css) {
        return (Long) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelectorAll(arguments[0]).length;", css);
    }

    /** Clicks an element of a table the page re-renders: found and clicked again if it went stale in between. */
    void click(By by) {
        wait.until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    List<WebElement> rows(String test) {
        return driver.findElements(By.cssSelector("[data-test='" + test + "']"));
    }

    void open(String mount, String hash) {
        driver.get(base(mount) + hash);
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    }

    @Test
    void an_operator_filters_and_requeues_failed_tasks_and_cancels_a_running_one() throws Exception {
        open("dbmq", "#/failed");
        wait.until(d -> rows("failed-row").size() == 5);
        FailedTask xss = queue.failedTasks(FailedFilter.all().reasonContains(XSS_REASON), 1).get(0);

        // markup in args and reason is text: equal to the stored strings, no element made of it, nothing ran
        String row = "[data-test='failed-row'][data-id='" + xss.id() + "']";
        assertEquals(xss.reason(), text(row + " [data-test='failed-reason']"));
        assertEquals(xss.args(), text(row + " [data-test='failed-args']"));
        assertTrue(xss.args().contains(XSS_ARGS_TEXT), xss.args());
        assertEquals(1, count(row), "the row is there");
        assertEquals(0, count(row + " img"), "no img element in the row");
        assertEquals(0, count("main img, main script"));
        assertNoAlert();
        screenshot("failed");

        // filter, then requeue all that match, after the confirm
        driver.findElement(By.id("failed-name")).sendKeys("email");
        driver.findElement(By.id("failed-reason")).sendKeys("timeout");
        driver.findElement(By.id("failed-apply")).click();
        wait.until(d -> rows("failed-row").size() == 2
                && d.findElement(By.id("failed-matching")).getText().equals("2"));
        driver.findElement(By.id("failed-requeue-all")).click();
        Alert confirm = wait.until(ExpectedConditions.alertIsPresent());
        assertEquals("Requeue all 2 failed task(s) matching this filter?", confirm.getText());
        confirm.accept();
        wait.until(d -> d.findElement(By.id("flash")).getText().equals("Requeued 2 task(s)."));
        wait.until(d -> rows("failed-row").isEmpty() && d.findElement(By.id("failed-matching")).getText()
                .equals("0"));
        assertEquals(Set.of("\"e-timeout-1\"", "\"e-timeout-2\""), queue.pendingTasks(
                PendingFilter.all().taskName("email"), 10).stream().map(PendingTask::args).collect(Collectors.toSet()),
                "exactly the filtered tasks were requeued");
        assertEquals(Set.of("\"e-refused\"", "\"r-timeout\"", xss.args()), queue.failedTasks(FailedFilter.all(), 10)
                .stream().map(FailedTask::args).collect(Collectors.toSet()), "the others are still kept");

        open("dbmq", "#/overview");
        wait.until(d -> rows("overview-row").size() == 3);
        assertEquals("3", text("#overview-failed-kept"));
        screenshot("overview");

        // a lane paused for every foreman: typed, confirmed, shown with its Resume; the queue says so; resumed
        driver.findElement(By.cssSelector("[data-test='lane-name']")).sendKeys("bulk");
        click(By.cssSelector("[data-test='lane-pause']"));
        Alert pause = wait.until(ExpectedConditions.alertIsPresent());
        assertTrue(pause.getText().startsWith("Pause lane bulk for every foreman?"), pause.getText());
        pause.accept();
        wait.until(d -> d.findElement(By.id("flash")).getText().equals("Lane bulk paused."));
        assertEquals(Set.of("bulk"), queue.pausedLanes().keySet());
        wait.until(d -> !rows("paused-lane").isEmpty());
        click(By.cssSelector("[data-test='lane-resume']"));
        Alert resume = wait.until(ExpectedConditions.alertIsPresent());
        assertEquals("Resume lane bulk for every foreman?", resume.getText());
        resume.accept();
        wait.until(d -> d.findElement(By.id("flash")).getText().equals("Lane bulk resumed."));
        assertEquals(Set.of(), queue.pausedLanes().keySet());
        wait.until(d -> rows("paused-lane").isEmpty());

        open("dbmq", "#/scheduled");
        wait.until(d -> rows("scheduled-row").size() == 4); // the two requeued, the two digests
        screenshot("scheduled");

        open("dbmq", "#/task/" + xss.id());
        wait.until(d -> !rows("task-args").isEmpty());
        assertEquals(xss.args(), text("[data-test='task-args']"));
        assertEquals(xss.reason(), text("[data-test='task-reason']"));
        assertEquals(0, count("main img, main script"));
        assertNoAlert();
        screenshot("task");

        // a foreman that ran before and stopped: listed as gone
        Foreman earlier = Foreman.builder(queue).workers(2).handle(IMPORT, (String args) -> { }).start();
        earlier.close();

        // a running task, cancelled from its row
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Foreman foreman = Foreman.builder(queue).handle(IMPORT, (String args, TaskContext ctx) -> {
            ctx.progress(0.4, "rows 4,000 of 10,000");
            started.countDown();
            while (!ctx.isCancelled()) {
                if (release.await(20, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        }).start()) {
            long id = queue.enqueue(IMPORT, "customers.csv");
            assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the import started");
            open("dbmq", "#/foremen");
            wait.until(d -> rows("foreman-row").size() == 1 && rows("gone-foreman-row").size() == 1);
            assertEquals(foreman.id(), driver.findElement(By.cssSelector("[data-test='foreman-row']"))
                    .getDomAttribute("data-id"));
            String gone = "[data-test='gone-foreman-row'][data-id='" + earlier.id() + "']";
            assertEquals("stopped", text(gone + " [data-test='gone-foreman-end']"));
            assertEquals(1, count(gone + " [data-test='gone-foreman-ended']"), "when it stopped");
            screenshot("foremen");
            open("dbmq", "#/running");
            By cancel = By.cssSelector("[data-test='running-row'][data-id='" + id + "'] [data-test='running-cancel']");
            wait.until(d -> !d.findElements(cancel).isEmpty() && d.findElement(By.cssSelector(
                    "[data-test='running-progress']")).getText().contains("40%"));
            screenshot("running");
            click(cancel);
            Alert ask = wait.until(ExpectedConditions.alertIsPresent());
            assertEquals("Ask task " + id + " (import) to stop?", ask.getText());
            ask.accept();
            Fixtures.await(WAIT, "the import stopped", () -> queue.running().isEmpty());
            wait.until(d -> rows("running-row").isEmpty());
        } finally {
            release.countDown();
        }
    }

    @Test
    void a_read_only_operator_sees_no_actions_and_no_args_and_a_forged_call_is_refused() throws Exception {
        open("readonly", "#/failed");
        wait.until(d -> rows("failed-row").size() == 5);
        assertEquals("", driver.findElement(By.tagName("body")).getDomAttribute("data-actions"));
        for (String button : List.of("failed-requeue-selected", "failed-delete-selected", "failed-requeue-all",
                "failed-delete-all")) {
            assertTrue(driver.findElements(By.id(button)).isEmpty(), button + " is not shown");
        }
        assertEquals(0, count("[data-test='failed-select']"), "no checkboxes");
        assertEquals(0, count("[data-test='failed-args']"), "no args column");
        assertTrue(!driver.getPageSource().contains("e-refused"), "no args anywhere in the page");

        // the page's own token, used by hand: still refused, the access is checked on the server
        String token = (String) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('api/session').then(r => r.json()).then(s => done(s.csrfToken));");
        HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base("readonly") + "api/failed/requeue"))
                .header("Content-Type", "application/json").header("X-Dbmq-Csrf", token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"filter\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("may not requeue"), forged.body());
        assertEquals(5, queue.countFailed(FailedFilter.all()), "nothing was requeued");

        open("readonly", "#/scheduled");
        wait.until(d -> rows("scheduled-row").size() == 2);
        assertTrue(driver.findElements(By.id("scheduled-cancel-selected")).isEmpty());
        assertEquals(List.of("Apply"), ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('main button')].map(b => b.textContent);"),
                "only the filter's button");

        queue.pause("bulk");
        open("readonly", "#/overview");
        wait.until(d -> !rows("paused-lane").isEmpty());
        assertEquals("Lane bulk paused", text("[data-test='paused-lane']"));
        assertEquals(List.of(), ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('main button, main input')].map(b => b.outerHTML);"),
                "no Resume, no Pause");
        queue.resume("bulk");
    }

    @Test
    void an_operator_reads_the_history_the_schedules_and_the_throughput_chart() throws Exception {
        try (ManualForeman foreman = Foreman.builder(queue)
                .handle(IMPORT, (String args) -> { })
                .handle(DIGEST, (String args) -> { })
                .handle(Fixtures.REPORT, (String args) -> { })
                .recurring("hourly-digest", Schedule.every(Duration.ofHours(1)), DIGEST, "hourly")
                .recurring("nightly-report", Schedule.cron("0 3 * * *", ZoneId.of("Europe/Amsterdam")),
                        Fixtures.REPORT, "nightly-pdf")
                .startManual()) {
            for (String file : List.of("a.csv", "b.csv", "c.csv")) {
                queue.enqueue(IMPORT, file);
            }
            assertEquals(3, foreman.runPending(), "the imports; the digests and the schedules' ticks are due later");
        }
        long xssId = queue.failedTasks(FailedFilter.all().reasonContains(XSS_REASON), 1).get(0).id();
        FinishedAttempt xss = queue.history(xssId).get(0);
        assertTrue(xss.error().orElseThrow().contains(XSS_REASON), xss.toString());

        // the history, newest first: the three imports, then the five failures; the hostile error is text
        open("dbmq", "#/history");
        wait.until(d -> rows("history-row").size() == 8);
        assertEquals(List.of("import", "import", "import"), ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(\"[data-test='history-task']\")].slice(0, 3)"
                        + ".map(e => e.textContent);"), "newest first");
        String row = "[data-test='history-row'][data-id='" + xssId + "']";
        assertEquals(1, count(row));
        assertEquals(xss.error().orElseThrow(), text(row + " [data-test='history-error']"));
        assertEquals("failed", text(row + " [data-test='history-outcome']"));
        assertEquals(0, count(row + " img"), "no img element in the row");
        assertEquals(0, count("main img, main script"));
        assertNoAlert();
        screenshot("history");

        driver.findElement(By.id("history-name")).sendKeys("report");
        driver.findElement(By.id("history-apply")).click();
        // a refresh started before the filter may still land once: wait for the filtered rows, not for a count
        wait.until(d -> List.of("report", "report").equals(((JavascriptExecutor) d).executeScript(
                "return [...document.querySelectorAll(\"[data-test='history-task']\")].map(e => e.textContent);")));

        // the task id leads to the task, with its attempt
        click(By.cssSelector(row + " [data-test='task-link']"));
        wait.until(d -> "failed".equals(text("[data-test='task-state']")) && count("[data-test='task-attempt']") == 1);
        assertEquals(xss.error().orElseThrow(), text("[data-test='task-attempt-error']"));
        assertEquals(0, count("main img, main script"));
        assertNoAlert();

        // the schedules, by name, with their args (this operator may see them)
        open("dbmq", "#/schedules");
        wait.until(d -> rows("schedule-row").size() == 2);
        assertEquals(List.of("hourly-digest", "nightly-report"), ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(\"[data-test='schedule-name']\")].map(e => e.textContent);"));
        String nightly = "[data-test='schedule-row'][data-name='nightly-report']";
        assertEquals(queue.schedules().stream().filter(s -> s.name().equals("nightly-report")).findFirst()
                .orElseThrow().schedule(), text(nightly + " [data-test='schedule-spec']"));
        assertEquals("\"nightly-pdf\"", text(nightly + " [data-test='schedule-args']"));
        screenshot("schedules");

        // the chart: one bar per minute that had counts, each with that minute's sums
        TreeMap<String, Long> expected = new TreeMap<>();
        for (MinuteCount c : queue.countsPerMinute(Duration.ofHours(1))) {
            expected.merge(c.minute().toString() + " " , c.done() * 1000 + c.failed(), Long::sum);
        }
        open("dbmq", "#/overview");
        wait.until(d -> count("#throughput-chart [data-test='chart-minute']") == expected.size());
        @SuppressWarnings("unchecked")
        List<String> bars = (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(\"#throughput-chart [data-test='chart-minute']\")]"
                        + ".map(g => g.getAttribute('data-minute') + ' ' + g.getAttribute('data-done') + ' '"
                        + " + g.getAttribute('data-failed') + ' ' + g.querySelectorAll('rect').length);");
        List<String> want = expected.entrySet().stream().map(e -> e.getKey() + e.getValue() / 1000 + " "
                + e.getValue() % 1000 + " 2").toList();
        assertEquals(want, bars, "minute, done, failed, and a rect for each");
        assertEquals(8, bars.stream().mapToLong(b -> Long.parseLong(b.split(" ")[1]) + Long.parseLong(b.split(" ")[2]))
                .sum(), "3 done and 5 failed in all");
        assertEquals("in all 3 done, 5 failed.", text("#throughput-total"));
    }

    private void assertNoAlert() {
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert(), "no alert was raised");
    }

    /**
     * Saves the window as NAME.png in target/screenshots, or, with {@code -Ddbmq.screenshots=docs}, in the
     * repository's docs/dashboard (the module's parent), where the documentation shows them: a test run leaves the
     * working tree as it was unless asked to refresh them.
     */
    private void screenshot(String name) throws Exception {
        Path docs = "docs".equals(System.getProperty("dbmq.screenshots"))
                ? Path.of("").toAbsolutePath().getParent().resolve("docs").resolve("dashboard")
                : Path.of("target", "screenshots");
        Files.createDirectories(docs);
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), docs.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
