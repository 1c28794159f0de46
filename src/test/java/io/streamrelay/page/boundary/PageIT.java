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
        Set<String> shownWhileStreaming = new LinkedHashSet<>();
        Snapshot done = page.until(ignored -> {
            Snapshot answer = page.answer();
            if (answer != null && answer.state().equals("streaming") && !answer.text().isEmpty()) {
                seenWhileStreaming.add(answer.text());
                shownWhileStreaming.add(answer.shown());
            }
            return answer != null && !answer.state().equals("streaming") ? answer : null;
        });

        assertEquals("done", done.state());
        assertEquals(Script.slowText(), done.text());
        assertEquals(Script.slowText().strip(), done.shown().strip(), "plain text renders as itself");
        assertTrue(seenWhileStreaming.size() >= 3, "intermediate states seen: " + seenWhileStreaming);
        for (String partial : seenWhileStreaming) {
            assertTrue(partial.length() < done.text().length() && done.text().startsWith(partial),
                    "a partial answer is a prefix of the final one: " + partial);
        }
        assertTrue(shownWhileStreaming.size() >= 3, "the rendered answer grew while streaming too: "
                + shownWhileStreaming);
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

    @ParameterizedTest
    @EnumSource(Transport.class)
    void markdownIsRenderedWhileItStreamsWithACopyButtonOnCode(Transport transport) {
        ChatPage page = page().use(transport);
        page.ask(Script.MARKDOWN.prompt(UUID.randomUUID().toString()));
        // What the rendered answer holds, polled while it streams: headings, list items, table rows, code blocks.
        Set<String> streamingStates = new LinkedHashSet<>();
        Map<String, Object> done = page.until(ignored -> {
            Map<String, Object> now = markdownState(page);
            if (now == null) {
                return null;
            }
            if ("streaming".equals(now.get("state"))) {
                streamingStates.add(now.get("h2") + "h2 " + now.get("li") + "li " + now.get("tr") + "tr "
                        + now.get("code") + "code " + now.get("chars") + "chars");
            }
            return "streaming".equals(now.get("state")) ? null : now;
        });

        assertEquals("done", done.get("state"));
        assertEquals(Script.MARKDOWN_TEXT, page.answer().text(), "the source as sent, every piece once");
        assertEquals("Travel policy", done.get("heading"));
        assertEquals("economy", done.get("strong"));
        assertEquals(4L, done.get("li"), "two items, two nested");
        assertEquals(3L, done.get("tr"), "the header row and two rows");
        assertEquals("right", done.get("align"), "the column alignment from the delimiter row");
        assertEquals(1L, done.get("code"));
        assertEquals("java", done.get("language"));
        assertEquals("Copy", done.get("copy"));
        String code = Script.MARKDOWN_TEXT.substring(Script.MARKDOWN_TEXT.indexOf("boolean"),
                Script.MARKDOWN_TEXT.indexOf("```\n\nQuestions"));
        assertEquals(code, done.get("codeText"));
        assertEquals("travel@intranet", done.get("inlineCode"));
        // Seen mid-way: the heading already rendered while the code block had not arrived yet.
        assertTrue(streamingStates.stream().anyMatch(s -> s.startsWith("1h2") && s.contains(" 0code")),
                "rendered while streaming: " + streamingStates);
        assertTrue(streamingStates.size() >= 4, "several intermediate renderings: " + streamingStates);

        // Copy puts exactly the code on the clipboard.
        browser.executeCdpCommand("Browser.grantPermissions", Map.of("permissions",
                List.of("clipboardReadWrite", "clipboardSanitizedWrite"), "origin",
                base.getProtocol() + "://" + base.getAuthority()));
        By copy = By.cssSelector("#conversation .msg.assistant:last-child .code-block .copy");
        browser.findElement(copy).click();
        assertEquals("Copied", page.until(ignored -> {
            String label = browser.findElement(copy).getText();
            return label.equals("Copy") ? null : label;
        }));
        assertEquals(code, page.js().executeAsyncScript(
                "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('failed: ' + e))"));
        System.out.printf("[measure] %s Markdown in Chromium: %d distinct renderings seen while %d pieces"
                        + " streamed%n", transport, streamingStates.size(),
                Script.pieces(Script.MARKDOWN_TEXT, Script.MARKDOWN_PIECE_CHARS).size());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void markdownThatTriesToRunOrLoadSomethingIsInert(Transport transport) {
        ChatPage page = page().use(transport);
        page.ask(Script.MARKDOWN_XSS.prompt(UUID.randomUUID().toString()));
        Snapshot done = page.awaitAnswer("done", "error", "stopped");
        assertEquals("done", done.state());
        assertEquals(Script.MARKDOWN_XSS_TEXT, done.text());

        String answer = "#conversation .msg.assistant:last-child .text";
        assertEquals(0, browser.findElements(By.cssSelector(answer + " :is(img, svg, iframe, script, div, b)"))
                .size(), "no element from the model's HTML");
        assertTrue(done.shown().contains("<div onmouseover=\"window.__xss='div'\"><b>bold?</b></div>"),
                "the HTML block is visible as text: " + done.shown());
        Object handlers = page.js().executeScript("""
                return [...document.querySelectorAll('#conversation *')].flatMap(e => [...e.attributes])
                    .map(a => a.name).filter(n => n.startsWith('on'));""");
        assertEquals(List.of(), handlers, "no event handler attribute anywhere");
        Object scriptLinks = page.js().executeScript("""
                return [...document.querySelectorAll('#conversation a')]
                    .map(a => a.getAttribute('href')).filter(h => h !== null && !/^https?:/.test(h));""");
        assertEquals(List.of(), scriptLinks, "no link but http(s): the javascript: one lost its href");
        browser.findElement(By.linkText("click me")).click();
        assertEquals("https://evil.example/p.png?c=secret", browser.findElement(
                By.cssSelector(answer + " a.image-link")).getAttribute("href"), "the image is a link");
        Object loaded = page.js().executeScript("""
                return performance.getEntriesByType('resource').map(e => e.name)
                    .filter(n => n.includes('evil.example'));""");
        assertEquals(List.of(), loaded, "nothing was fetched from the image's address");
        assertNull(page.js().executeScript("return window.__xss ?? null"), "the model's markup ran");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void toolCallsAreShownAsLabelledTextBlocksWhileTheyStream(Transport transport) throws IOException {
        // The page's fetch is answered in the browser with the relay's documented events, so the growth of each
        // block can be watched fragment by fragment; everything after fetch is the real page.
        ChatPage page = page().use(transport);
        page.js().executeScript(FAKE_RELAY, transport.name(), "tools");
        page.ask("What is the weather in Zürich and the time in Tokyo?");
        List<Object> argumentsSeen = new ArrayList<>();
        Snapshot done = page.until(ignored -> {
            Snapshot answer = page.answer();
            Object first = page.js().executeScript("return document.querySelector("
                    + "'#conversation .msg.assistant:last-child .tool-call .tool-arguments')?.textContent ?? null");
            if (first != null && (argumentsSeen.isEmpty() || !argumentsSeen.get(argumentsSeen.size() - 1)
                    .equals(first))) {
                argumentsSeen.add(first);
            }
            return answer != null && !answer.state().equals("streaming") ? answer : null;
        });
        assertEquals("done", done.state(), String.valueOf(done.problem()));
        assertEquals("Let me check both.", done.text());
        Object calls = page.js().executeScript("""
                return [...document.querySelectorAll('#conversation .msg.assistant:last-child .tool-call')]
                    .map(c => ({label: c.querySelector('.tool-call-label').textContent,
                                name: c.querySelector('.tool-name').textContent,
                                id: c.querySelector('.tool-id').textContent,
                                arguments: c.querySelector('.tool-arguments').textContent,
                                elements: c.querySelectorAll('.tool-arguments *').length,
                                json: c.dataset.arguments}));""");
        assertEquals(List.of(
                Map.of("label", "Tool call", "name", "get_weather", "id", "call_a1",
                        "arguments", "{\"city\":\"Zürich <b>&amp;</b> 北京\"}", "elements", 0L, "json", "json"),
                Map.of("label", "Tool call", "name", "get_time", "id", "call_b2",
                        "arguments", "{\"zone\":\"Asia/Tokyo\"}", "elements", 0L, "json", "json")), calls);
        assertEquals(List.of("", "{\"ci", "{\"city\":\"Zürich <b>&amp;</b> 北京\"}"), argumentsSeen,
                "the arguments grew fragment by fragment");
        assertTrue(done.notice().contains("runs none"), done.notice());
        Files.createDirectories(DIR);
        Path shot = DIR.resolve("tool-calls-" + transport.name().toLowerCase() + ".png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("[screenshot] " + shot.toAbsolutePath());
    }

    /**
     * The same blocks end to end, from the scripted upstream's OpenAI tool-call deltas through the relay (this
     * failed while the relay dropped the deltas).
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void toolCallsFromTheUpstreamAreShownEndToEnd(Transport transport) {
        ChatPage page = page().use(transport);
        page.ask(Script.TOOL_CALLS.prompt(UUID.randomUUID().toString()));
        Snapshot done = page.awaitAnswer("done", "error", "stopped");
        assertEquals("done", done.state(), String.valueOf(done.problem()));
        assertEquals(Script.TOOL_CALL_TEXT, done.text());
        Object calls = page.js().executeScript("""
                return [...document.querySelectorAll('#conversation .msg.assistant:last-child .tool-call')]
                    .map(c => [c.querySelector('.tool-name').textContent, c.querySelector('.tool-id').textContent,
                               c.querySelector('.tool-arguments').textContent]);""");
        assertEquals(List.of(List.of("get_weather", "call_a1", "{\"city\":\"Zürich <b>&amp;</b> 北京\"}"),
                List.of("get_time", "call_b2", "{\"zone\":\"Asia/Tokyo\"}")), calls);
        assertTrue(done.notice().contains("runs none"), done.notice());
    }

    /**
     * Replaces the page's fetch for POST .../chat with the relay's events on the wire arguments[0] names (SSE or
     * NDJSON). arguments[1] picks them: 'tools', a sentence and two interleaved tool calls, one event a read and
     * 150 ms between fragments so a poll sees them grow; or 'burst', a long Markdown answer in 3000 tokens, 100 a
     * read, 10 ms apart. window.__frames counts the animation frames from then on.
     */
    static final String FAKE_RELAY = """
            const [wire, scenario] = arguments;
            const tools = [
              {type: 'start', seq: 0, generation: 'g-fake', model: 'gpt-4o'},
              {type: 'token', seq: 1, text: 'Let me check both.'},
              {type: 'tool_call', seq: 2, index: 0, id: 'call_a1', name: 'get_weather', arguments: ''},
              {type: 'tool_call', seq: 3, index: 0, arguments: '{"ci'},
              {type: 'tool_call', seq: 4, index: 1, id: 'call_b2', name: 'get_time', arguments: '{"zone":'},
              {type: 'tool_call', seq: 5, index: 0, arguments: 'ty":"Zürich <b>&amp;</b> 北京"}'},
              {type: 'tool_call', seq: 6, index: 1, arguments: '"Asia/Tokyo"}'},
              {type: 'done', seq: 7, finish_reason: 'tool_calls',
               usage: {prompt_tokens: 80, completion_tokens: 40, total_tokens: 120}},
            ];
            const burst = [{type: 'start', seq: 0, generation: 'g-burst', model: 'gpt-4o'}];
            for (let i = 0; i < 3000; i++) {
              burst.push({type: 'token', seq: burst.length, text: i % 50 === 0 ? `\\n\\n## Part ${i / 50}\\n\\n`
                  : i % 50 === 49 ? '\\n\\n```js\\nconst x = 1;\\n```\\n' : `- item ${i} with **bold** text\\n`});
            }
            burst.push({type: 'done', seq: burst.length, finish_reason: 'stop'});
            const events = scenario === 'tools' ? tools : burst;
            const perRead = scenario === 'tools' ? 1 : 100;
            const line = (e) => wire === 'SSE'
                ? `event: ${e.type}\\nid: g-fake:${e.seq}\\ndata: ${JSON.stringify(e)}\\n\\n`
                : JSON.stringify(e) + '\\n';
            window.__frames = 0;
            (function count() { window.__frames++; requestAnimationFrame(count); })();
            const realFetch = window.fetch;
            window.fetch = (url, init) => {
              if (init?.method !== 'POST' || !String(url).endsWith('/chat')) return realFetch(url, init);
              const encoder = new TextEncoder();
              let i = 0;
              const body = new ReadableStream({
                async pull(controller) {
                  if (i === events.length) return controller.close();
                  if (i > 2) await new Promise((r) => setTimeout(r, scenario === 'tools' ? 150 : 10));
                  controller.enqueue(encoder.encode(events.slice(i, i + perRead).map(line).join('')));
                  i += perRead;
                },
              });
              return Promise.resolve(new Response(body, {headers: {'Content-Type': wire === 'SSE'
                  ? 'text/event-stream' : 'application/x-ndjson'}}));
            };
            """;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aBurstOfTokensIsDrawnAtMostOncePerFrameNotOncePerToken(Transport transport) {
        ChatPage page = page().use(transport);
        page.js().executeScript(FAKE_RELAY, transport.name(), "burst");
        page.ask("Write a long list");
        Snapshot done = page.awaitAnswer("done", "error", "stopped");
        assertEquals("done", done.state(), String.valueOf(done.problem()));
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) page.js().executeScript("""
                const item = document.querySelector('#conversation .msg.assistant:last-child');
                return {frames: window.__frames, renders: Number(item.dataset.renders),
                        ms: Number(item.dataset.renderMs), maxMs: Number(item.dataset.renderMaxMs), h2: item.querySelectorAll('.text h2').length,
                        li: item.querySelectorAll('.text li').length,
                        code: item.querySelectorAll('.text .code-block').length,
                        chars: item.querySelector('.source-text').textContent.length};""");
        long renders = ((Number) counts.get("renders")).longValue();
        long frames = ((Number) counts.get("frames")).longValue();
        assertEquals(60L, counts.get("h2"));
        assertEquals(60L, counts.get("code"));
        assertEquals(2880L, counts.get("li"));
        // One render per frame at most, plus the one that settles the answer when done arrives between frames.
        assertTrue(renders <= frames + 1, counts.toString());
        assertTrue(renders > 1 && renders * 10 < 3000, "drawn per frame, not per token: " + counts);
        System.out.printf("[measure] %s burst of 3000 tokens (%s characters of Markdown, 30 reads 10 ms apart) in"
                        + " Chromium: %d renders in %d frames, %s ms rendering in all, the longest %s ms%n",
                transport, counts.get("chars"), renders, frames, counts.get("ms"), counts.get("maxMs"));
    }

    /** The newest answer's rendered Markdown, counted. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> markdownState(ChatPage page) {
        return (Map<String, Object>) page.js().executeScript("""
                const item = [...document.querySelectorAll('#conversation .msg.assistant')].pop();
                if (!item) return null;
                const body = item.querySelector('.text');
                const n = (selector) => body.querySelectorAll(selector).length;
                return {state: item.dataset.state, h2: n('h2'), li: n('li'), tr: n('tr'), code: n('.code-block'),
                        chars: body.textContent.length,
                        heading: body.querySelector('h2')?.textContent ?? null,
                        strong: body.querySelector('strong')?.textContent ?? null,
                        align: body.querySelector('th:last-child')?.getAttribute('align') ?? null,
                        language: body.querySelector('.code-language')?.textContent ?? null,
                        copy: body.querySelector('.code-block .copy')?.textContent ?? null,
                        codeText: body.querySelector('.code-block pre')?.textContent ?? null,
                        inlineCode: body.querySelector('p code')?.textContent ?? null};
                """);
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
        assertTheUsageTodayIsShownUnderTheConversation(page);
    }

    /** The caller's usage today (here an open relay: everyone's) as GET /api/usage sums it, shown under the answers. */
    private void assertTheUsageTodayIsShownUnderTheConversation(ChatPage page) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String shown = "";
        String expected = "?";
        while (System.nanoTime() < deadline && !shown.startsWith(expected)) {
            try {
                JsonArray groups = Json.object(io.streamrelay.testing.StreamClient.get(base, "/api/usage",
                        "application/json").awaitEnd(10, TimeUnit.SECONDS).bodyText()).getJsonArray("groups");
                long requests = groups.getValuesAs(JsonObject.class).stream().mapToLong(g -> g.getInt("requests")).sum();
                expected = "Usage today: " + requests + " request";
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            shown = String.valueOf(page.js().executeScript(
                    "const e = document.getElementById('usage-today'); return e.hidden ? '' : e.textContent"));
        }
        assertTrue(shown.startsWith(expected) && shown.matches("Usage today: [0-9]+ requests?, [0-9]+ tokens.*"),
                shown + " / " + expected);
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
                  import { streamChat, EventStreamParser, NdjsonParser, StreamRelayError, ToolCallAssembler,
                      assembleToolCalls } from '%s';
                  const ok = [streamChat, EventStreamParser, NdjsonParser, StreamRelayError, ToolCallAssembler,
                      assembleToolCalls]
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
        page.ask(Script.REASONING.prompt("What is six times seven?"));
        assertEquals("done", page.awaitAnswer("done", "error", "stopped").state());
        page.ask(Script.MIDSTREAM_ERROR.prompt("Count to five"));
        assertEquals("error", page.awaitAnswer("done", "error", "stopped").state());
        page.ask(Script.MARKDOWN.prompt("Summarise our travel policy"));
        assertEquals("done", page.awaitAnswer("done", "error", "stopped").state());
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
