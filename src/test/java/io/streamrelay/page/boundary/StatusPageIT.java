package io.streamrelay.page.boundary;

import io.streamrelay.testing.Chromium;
import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Upstream;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Secrets;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page in a real Chromium against the relay with the scripted upstream: its numbers start at zero and
 * move as streams run, end and fail; a screenshot is saved for the docs.
 */
@RelayOnPayara
class StatusPageIT {

    static final Path DIR = Path.of(System.getProperty("page.it.dir", "target/page-it"));
    @Upstream
    static ScriptedUpstream upstream;
    static ChromeDriver browser;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        return Deployments.relay(Map.of(
                "relay.upstream.url", upstream.baseUrl(),
                "relay.upstream.api-key", Secrets.OPERATIONS_UPSTREAM_KEY,
                "relay.upstream.retry.max-attempts", "1"));
    }

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start(DIR.resolve("status"));
    }

    @AfterAll
    static void stopAll() throws IOException {
        if (browser != null) {
            for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                System.out.println("[browser] " + entry.getLevel() + " " + entry.getMessage());
            }
            browser.quit();
        }
    }

    @Test
    void theNumbersMoveWhenStreamsRunAndAScreenshotIsSaved() throws Exception {
        browser.get(base + "status.html");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(50));
        wait.until(d -> d.findElement(By.id("updated")).getText().startsWith("Updated"));
        assertEquals("0", value("open-streams"), "nothing runs yet");
        assertEquals("0", value("errors-total"));

        List<StreamClient> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(chat(i % 2 == 0 ? Transport.SSE : Transport.NDJSON, Script.SLOW));
        }
        wait.until(d -> Double.parseDouble(value("open-streams")) >= 4);
        // A steady trickle while the page keeps reading: answers end (tokens, TTFT) and one fails.
        streams.add(chat(Transport.SSE, Script.HTTP400));
        for (int round = 0; round < 6; round++) {
            streams.add(chat(Transport.NDJSON, Script.NORMAL));
            streams.add(chat(Transport.SSE, Script.SLOW));
            TimeUnit.MILLISECONDS.sleep(1500);
        }
        wait.until(d -> !value("ttft-p50").isEmpty() && Double.parseDouble(value("ttft-p50")) > 0);
        wait.until(d -> Double.parseDouble(value("tokens-rate")) > 0);
        wait.until(d -> !d.findElements(By.cssSelector("#errors li[data-code='upstream_bad_request']")).isEmpty());
        assertEquals("1", value("errors-total"));
        assertTrue(Double.parseDouble(value("ttft-p99")) >= Double.parseDouble(value("ttft-p50")));

        Path shot = DIR.resolve("status.png");
        Files.createDirectories(DIR);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 10_000, "a real picture: " + Files.size(shot) + " bytes");
        System.out.println("[screenshot] " + shot.toAbsolutePath());

        for (StreamClient stream : streams) {
            stream.awaitEnd(30, TimeUnit.SECONDS);
        }
        wait.until(d -> value("open-streams").equals("0"));
    }

    private String value(String id) {
        return browser.findElement(By.id(id)).getAttribute("data-value");
    }

    private StreamClient chat(Transport transport, Script script) throws IOException {
        String body = "{\"prompt\":" + jakarta.json.Json.createValue(script.prompt(UUID.randomUUID().toString())) + "}";
        return StreamClient.post(base, transport.path, transport.mediaType, "application/json",
                body.getBytes(StandardCharsets.UTF_8));
    }
}
