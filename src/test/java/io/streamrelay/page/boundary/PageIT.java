package io.streamrelay.page.boundary;

import io.streamrelay.page.boundary.ChatPage.Snapshot;
import io.streamrelay.testing.Chromium;
import io.streamrelay.testing.CuttingProxy;
import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Upstream;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat page and its JavaScript client in a real Chromium, against the WAR on Payara Micro with the scripted
 * upstream behind it: what a person sees, and what the upstream saw.
 */
@RelayOnPayara
class PageIT {

    static final int MAX_MESSAGE_CHARS = 500;
    static final Path DIR = Path.of(System.getProperty("page.it.dir", "target/page-it"));

    @Upstream
    static ScriptedUpstream upstream;
    static ChromeDriver browser;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(upstream, io.streamrelay.testing.Secrets.PAGE_UPSTREAM_KEY, Map.of(
                "relay.heartbeat-ms", "1000",
                "relay.request.max-message-chars", String.valueOf(MAX_MESSAGE_CHARS)));
    }

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start(DIR);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void printConsole() {
        // The browser console explains a failed wait better than a timeout does.
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            System.out.println("[browser] " + entry.getLevel() + " " + entry.getMessage());
        }
    }

    ChatPage page() {
        return new ChatPage(browser, base).open("");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tokensAppearProgressivelyAndTheFinalTextIsWhatTheUpstreamSent(Transport transport) {
        ChatPage page = page().use(transport);
        page.ask(Script.SLOW.prompt(UUID.randomUUID().toString()));

        Set<String> seenWhileStreaming = new LinkedHashSet<>();
        Snapshot done = page.until(ignored -> {
            Snapshot answer = page.answer();
            if (answer != null && answer.state().equals("streaming") && !answer.text().isEmpty()) {
                seenWhileStreaming.add(answer.text());
            }
            return answer != null && !answer.state().equals("streaming") ? answer : null;
        });

        assertEquals("done", done.state());
        assertEquals(Script.slowText(), done.text());
        assertTrue(seenWhileStreaming.size() >= 3, "intermediate states seen: " + seenWhileStreaming);
        for (String partial : seenWhileStreaming) {
            assertTrue(partial.length() < done.text().length() && done.text().startsWith(partial),
                    "a partial answer is a prefix of the final one: " + partial);
        }
        assertTrue(page.text("model").contains("deepseek-chat"), page.text("model"));
        assertTrue(done.who().contains("deepseek-chat"), done.who());
        assertTrue(done.stats().matches("first token \\d+ ms · 20 tokens · [\\d.]+ tokens/s · 17 prompt \\+ 11"
                + " completion tokens"), done.stats());
        assertEquals(transport.path, lastStreamPath(page), "the request went through the chosen transport");
        System.out.printf("[measure] %s in Chromium: time to first token %s ms, %s tokens/s (upstream paces %d ms"
                        + " per token), %d intermediate renderings seen%n", transport, done.ttftMs(),
                done.tokensPerSecond(), Script.SLOW_INTERVAL_MS, seenWhileStreaming.size());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void droppedConnectionResumesByItselfWithoutAskingTheModelAgain(Transport transport) throws Exception {
        try (CuttingProxy proxy = new CuttingProxy(base)) {
            ChatPage page = new ChatPage(browser, proxy.url()).open("").use(transport);
            String prompt = Script.SLOW.prompt(UUID.randomUUID().toString());
            page.ask(prompt);
            page.until(ignored -> page.answer() != null && page.answer().text().contains(" t4"));
            int cut = proxy.cutAll();
            Snapshot done = page.awaitAnswer("done", "error", "stopped");
            assertTrue(cut > 0, "the stream's connection went through the proxy and was cut");
            assertEquals("done", done.state(), "resumed, not failed: " + done.text());
            assertEquals(Script.slowText(), done.text(), "every token once, in order");
            assertEquals(1, upstream.requestsFor(prompt), "the model was asked once: the relay resumed it");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void cjkAndEmojiSplitAcrossNetworkChunksArriveIntact(Transport transport) {
        ChatPage page = page().use(transport);
        page.ask(Script.UTF8.prompt(UUID.randomUUID().toString()));
        Snapshot done = page.awaitAnswer("done", "error", "stopped");
        assertEquals("done", done.state(), String.valueOf(done.problem()));
        assertEquals(Script.UTF8.text(), done.text());
        assertFalse(done.text().contains("\uFFFD"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void stopEndsTheStreamAndTheUpstreamConnectionIsClosed(Transport transport) throws Exception {
        ChatPage page = page().use(transport);
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        page.ask(prompt);
        page.until(ignored -> page.answer() != null && page.answer().text().contains(" w5"));
        assertTrue(page.enabled("stop"));
        assertFalse(page.enabled("send"), "one answer at a time");

        long clicked = System.nanoTime();
        page.stop();
        Snapshot stopped = page.awaitAnswer("stopped", "done", "error");
        assertEquals("stopped", stopped.state());
        assertTrue(stopped.notice().contains("Stopped"), stopped.notice());
        long closed = upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(10, TimeUnit.SECONDS);
        System.out.printf("[measure] %s Stop in Chromium: the upstream connection closed %d ms after the click%n",
                transport, (closed - clicked) / 1_000_000);

        // The upstream is gone; had the page kept reading, tokens would have kept coming until then.
        assertEquals(stopped.text(), page.answer().text(), "no token after Stop");
        assertTrue(stopped.text().startsWith(" w0 w1 w2 w3 w4 w5"), stopped.text());
        assertFalse(page.enabled("stop"));
        assertTrue(page.enabled("send"));
    }

    @Test
    void escapeStopsTheAnswerLikeTheStopButton() throws Exception {
        ChatPage page = page();
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        page.ask(prompt);
        page.until(ignored -> page.answer() != null && page.answer().text().contains(" w2"));
        browser.findElement(By.id("prompt")).sendKeys(Keys.ESCAPE);
        assertEquals("stopped", page.awaitAnswer("stopped", "done", "error").state());
        assertNotNull(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @CsvSource({
            "SSE, MIDSTREAM_ERROR, upstream_failed, The model crashed mid-answer",
            "NDJSON, MIDSTREAM_ERROR, upstream_failed, The model crashed mid-answer",
            "SSE, HTTP500, upstream_server_error, ",
            "NDJSON, CUT, upstream_failed, "})
    void upstreamErrorIsShownInTheConversationNotAsAnAnswer(Transport transport, Script script, String code,
                                                             String message) {
        ChatPage page = page().use(transport);
        page.ask(script.prompt(UUID.randomUUID().toString()));
        Snapshot failed = page.awaitAnswer("done", "error", "stopped");

        assertEquals("error", failed.state());
        assertEquals(script.text(), failed.text(), "what arrived stays visible");
        assertNotNull(failed.problem(), "the error is part of the conversation");
        assertTrue(failed.problem().contains(code), failed.problem());
        if (message != null) {
            assertTrue(failed.problem().contains(message), failed.problem());
        }
        if (!script.text().isEmpty()) {
            assertTrue(failed.problem().contains("incomplete"), failed.problem());
        }
        assertFalse(failed.stats().contains("completion tokens"), "no usage line as if it had finished");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void modelOutputWithMarkupIsShownAsTextAndNeverRuns(Transport transport) {
        ChatPage page = page().use(transport);
        page.ask(Script.XSS.prompt(UUID.randomUUID().toString()));
        Snapshot done = page.awaitAnswer("done", "error", "stopped");

        assertEquals("done", done.state());
        assertEquals(Script.XSS.text(), done.text());
        assertTrue(browser.findElement(By.cssSelector("#conversation .msg.assistant .text")).getText()
                .contains("<img src=x onerror=\"window.__xss='img'\">"), "the markup is visible as text");
        assertEquals(0, browser.findElements(By.cssSelector("#conversation img, #conversation script")).size());
        assertNull(page.js().executeScript("return window.__xss ?? null"), "the model's script ran");
    }

    @Test
    void theConversationSendsItsHistoryWithoutFailedTurnsAndShiftEnterIsANewLine() {
        ChatPage page = page();
        String first = Script.NORMAL.prompt("first " + UUID.randomUUID());
        page.ask(first);
        assertEquals("done", page.awaitAnswer("done", "error", "stopped").state());
        page.ask(Script.MIDSTREAM_ERROR.prompt(UUID.randomUUID().toString()));
        assertEquals("error", page.awaitAnswer("done", "error", "stopped").state());

        String second = Script.NORMAL.prompt("second\nwith a second line " + UUID.randomUUID());
        page.ask(second);
        assertEquals("done", page.awaitAnswer("done", "error", "stopped").state());

        JsonArray sent = Json.object(exchangeBody(second)).getJsonArray("messages");
        List<String> turns = new ArrayList<>();
        for (JsonObject message : sent.getValuesAs(JsonObject.class)) {
            turns.add(message.getString("role") + ": " + message.getString("content"));
        }
        assertEquals(List.of("user: " + first, "assistant: " + Script.NORMAL.text(), "user: " + second), turns);
        List<String> shown = page.js().executeScript(
                "return [...document.querySelectorAll('#conversation .msg.user .text')].map(e => e.textContent)")
                instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
        assertEquals(3, shown.size(), "the failed question stays visible: " + shown);
        assertEquals(first, shown.get(0));
        assertEquals(second, shown.get(2));
    }

    @Test
    void aRefusedRequestShowsTheRelaysProblemInTheConversation() {
        ChatPage page = page();
        // Set, not typed: typing hundreds of characters would only slow the test.
        page.js().executeScript("document.getElementById('prompt').value = arguments[0]",
                "x".repeat(MAX_MESSAGE_CHARS + 1));
        page.ask("");
        Snapshot refused = page.awaitAnswer("done", "error", "stopped");
        assertEquals("error", refused.state());
        assertTrue(refused.problem().contains("message_too_long, HTTP 422"), refused.problem());
        assertTrue(refused.problem().contains("at most " + MAX_MESSAGE_CHARS), refused.problem());
        assertEquals("", refused.text());
    }

    @Test
    void theBuiltInOfflineModelIsNamedPlainly() {
        // The relay names whatever model answers in `start`; asking for the offline model's name shows the page's
        // wording without a second server.
        ChatPage page = new ChatPage(browser, base).open("?model=streamrelay-demo");
        page.ask(Script.NORMAL.prompt(UUID.randomUUID().toString()));
        Snapshot done = page.awaitAnswer("done", "error", "stopped");
        assertEquals("done", done.state());
        assertEquals("Model: streamrelay-demo (the built-in offline model)", page.text("model"));
        assertTrue(done.who().contains("offline demo"), done.who());
        assertTrue(done.notice().startsWith("No upstream is configured"), done.notice());
    }

    @Test
    void aBarePromptStreamsThroughEventSource() {
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) page().js().executeAsyncScript("""
                const finish = arguments[arguments.length - 1];
                const prompt = arguments[0];
                (async () => {
                const { streamChat } = await import('./js/streamrelay.js');
                let opened = 0;
                class Counting extends EventSource {
                  constructor(url) { super(url); opened++; }
                }
                const types = [];
                let text = '';
                try {
                  for await (const e of streamChat({ prompt, EventSource: Counting })) {
                    types.push(e.type);
                    if (e.type === 'token') text += e.text;
                  }
                  finish({ types, text, opened });
                } catch (e) {
                  finish({ error: String(e) });
                }
                })();
                """, Script.NORMAL.prompt(UUID.randomUUID().toString()));
        assertNull(result.get("error"));
        assertEquals(Script.NORMAL.text(), result.get("text"));
        assertEquals(1L, result.get("opened"));
        List<?> types = (List<?>) result.get("types");
        assertEquals("start", types.get(0));
        assertEquals("done", types.get(types.size() - 1));
    }

    @Test
    void aPortalOnAnotherOriginImportsTheModule() throws IOException {
        // The portal is 127.0.0.1 on its own port, the relay is `base`: two origins, as in production.
        String portalPage = """
                <!doctype html><title>Portal</title><p id="status">loading</p>
                <script type="module">
                  import { streamChat, EventStreamParser, NdjsonParser, StreamRelayError } from '%s';
                  const ok = [streamChat, EventStreamParser, NdjsonParser, StreamRelayError]
                      .every(f => typeof f === 'function');
                  document.getElementById('status').textContent = ok ? 'imported' : 'incomplete';
                </script>
                """.formatted(base + "js/streamrelay.js");
        HttpServer portal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        portal.createContext("/", exchange -> {
            byte[] html = portalPage.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        portal.start();
        try {
            String portalUrl = "http://127.0.0.1:" + portal.getAddress().getPort() + "/";
            assertFalse(portalUrl.startsWith(base.getProtocol() + "://" + base.getAuthority()), "another origin");
            browser.get(portalUrl);
            ChatPage page = new ChatPage(browser, base);
            assertEquals("imported", page.until(ignored -> {
                String status = page.text("status");
                return status.equals("loading") ? null : status;
            }));
        } finally {
            portal.stop(0);
        }
    }

    @Test
    void aScreenshotOfAFinishedConversationIsSavedForAPerson() throws IOException {
        ChatPage page = page();
        page.ask(Script.NORMAL.prompt("Say hello to the portal team"));
        assertEquals("done", page.awaitAnswer("done", "error", "stopped").state());
        page.ask(Script.REASONING.prompt("What is six times seven?"));
        assertEquals("done", page.awaitAnswer("done", "error", "stopped").state());
        page.ask(Script.MIDSTREAM_ERROR.prompt("Count to five"));
        assertEquals("error", page.awaitAnswer("done", "error", "stopped").state());
        Path shot = DIR.resolve("chat-page.png");
        Files.createDirectories(DIR);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 10_000, "a real picture: " + Files.size(shot) + " bytes");
        System.out.println("[screenshot] " + shot.toAbsolutePath());
    }

    private String exchangeBody(String prompt) {
        try {
            return upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The path of the page's last streaming request, from the browser's own resource timing. */
    private static String lastStreamPath(ChatPage page) {
        Object path = page.js().executeScript("""
                const streams = performance.getEntriesByType('resource')
                    .map(e => new URL(e.name).pathname).filter(p => p.endsWith('/chat'));
                return streams.pop() ?? null;""");
        return String.valueOf(path);
    }
}
