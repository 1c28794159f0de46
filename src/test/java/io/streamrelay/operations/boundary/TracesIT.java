package io.streamrelay.operations.boundary;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Upstream;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.OtlpReceiver;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Secrets;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.streamrelay.testing.OtlpReceiver.attribute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traces (MicroProfile Telemetry, turned on for this deployment) reach an OTLP receiver the test starts: one trace
 * per generation, a server span with the GenAI attributes, a client span per upstream attempt, and events for the
 * first token, the retry, the fallback, a client that left and the end.
 */
@RelayOnPayara
class TracesIT {

    @Upstream
    static ScriptedUpstream upstream;
    @Upstream(script = Script.NORMAL)
    static ScriptedUpstream fallback;
    static OtlpReceiver receiver;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        receiver = new OtlpReceiver();
        return Deployments.relay(Map.ofEntries(
                Map.entry("relay.upstream.url", upstream.baseUrl()),
                Map.entry("relay.upstream.api-key", Secrets.OPERATIONS_UPSTREAM_KEY),
                Map.entry("relay.fallback.url", fallback.baseUrl()),
                Map.entry("relay.fallback.api-key", Secrets.OPERATIONS_FALLBACK_KEY),
                Map.entry("relay.upstream.retry.max-attempts", "2"),
                Map.entry("relay.upstream.retry.backoff-ms", "10"),
                Map.entry("relay.generations.grace-ms", "0"),
                Map.entry("otel.sdk.disabled", "false"),
                Map.entry("otel.traces.exporter", "otlp"),
                Map.entry("otel.metrics.exporter", "none"),
                Map.entry("otel.logs.exporter", "none"),
                Map.entry("otel.exporter.otlp.protocol", "http/protobuf"),
                Map.entry("otel.exporter.otlp.endpoint", receiver.endpoint()),
                Map.entry("otel.bsp.schedule.delay", "200")));
    }

    @AfterAll
    static void stopAll() throws IOException {
        for (var closeable : new java.io.Closeable[]{receiver}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void oneTracePerGenerationWithItsAttemptsAndEvents() throws Exception {
        String done = generation(Transport.SSE, Script.NORMAL, true);
        String fellOver = generation(Transport.NDJSON, Script.HTTP503, true);
        String left = generation(Transport.SSE, Script.ENDLESS, false);

        List<Span> doneTrace = trace(done, 2);
        Span root = root(doneTrace);
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, root.getKind());
        assertEquals("chat deepseek-chat", root.getName());
        assertEquals("chat", attribute(root.getAttributesList(), "gen_ai.operation.name").orElseThrow());
        assertEquals("127.0.0.1", attribute(root.getAttributesList(), "gen_ai.provider.name").orElseThrow());
        assertEquals("deepseek-chat", attribute(root.getAttributesList(), "gen_ai.request.model").orElseThrow());
        assertEquals("deepseek-chat", attribute(root.getAttributesList(), "gen_ai.response.model").orElseThrow());
        assertEquals(String.valueOf(Script.PROMPT_TOKENS),
                attribute(root.getAttributesList(), "gen_ai.usage.input_tokens").orElseThrow());
        assertEquals(List.of("gen_ai.first_token", "streamrelay.end"), events(root));
        Span attempt = children(doneTrace, root).get(0);
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, attempt.getKind());
        assertTrue(attempt.getStartTimeUnixNano() >= root.getStartTimeUnixNano()
                && attempt.getEndTimeUnixNano() <= root.getEndTimeUnixNano(), "the attempt lies within");

        List<Span> fallbackTrace = trace(fellOver, 4);
        Span fallbackRoot = root(fallbackTrace);
        List<Span> attempts = children(fallbackTrace, fallbackRoot);
        assertEquals(List.of("primary", "primary", "fallback"), attempts.stream()
                .map(s -> attribute(s.getAttributesList(), "streamrelay.upstream.endpoint").orElseThrow()).toList());
        assertEquals("upstream_overloaded", attribute(attempts.get(0).getAttributesList(), "error.type").orElseThrow());
        assertEquals("503", attribute(attempts.get(0).getAttributesList(), "http.response.status_code").orElseThrow());
        assertTrue(attribute(attempts.get(2).getAttributesList(), "error.type").isEmpty(), "the fallback answered");
        // In the order they happened.
        assertEquals(List.of("streamrelay.retry", "streamrelay.fallback", "gen_ai.first_token", "streamrelay.end"),
                events(fallbackRoot).stream().sorted(java.util.Comparator.comparing(name -> order(fallbackRoot, name)))
                        .toList());

        List<Span> leftTrace = trace(left, 2);
        Span leftRoot = root(leftTrace);
        assertTrue(events(leftRoot).contains("streamrelay.client.disconnect"), events(leftRoot).toString());
        assertEquals("cancelled", attribute(leftRoot.getAttributesList(), "error.type").orElseThrow());
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                leftRoot.getStatus().getCode());
    }

    /** Starts a generation and returns its id; waits for its end, or leaves after a few tokens. */
    private String generation(Transport transport, Script script, boolean toTheEnd) throws Exception {
        String body = "{\"prompt\":" + jakarta.json.Json.createValue(script.prompt(UUID.randomUUID().toString())) + "}";
        StreamClient client = StreamClient.post(base, transport.path, transport.mediaType, "application/json",
                body.getBytes(StandardCharsets.UTF_8));
        String start = client.awaitLine(line -> line.contains("\"type\":\"start\""), 20, TimeUnit.SECONDS).text();
        String id = Json.object(start.substring(start.indexOf('{'))).getString("generation");
        if (toTheEnd) {
            client.awaitEnd(30, TimeUnit.SECONDS);
        } else {
            client.awaitLine(line -> line.contains("\" w2\""), 10, TimeUnit.SECONDS);
            client.close();
        }
        return id;
    }

    /** Every span of the one trace that holds this generation, once it has {@code spans} of them. */
    private List<Span> trace(String generation, int spans) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<Span> all = receiver.spans();
            List<ByteString> traces = all.stream().filter(s -> attribute(s.getAttributesList(),
                    "streamrelay.generation.id").filter(generation::equals).isPresent()).map(Span::getTraceId)
                    .distinct().toList();
            if (traces.size() == 1) {
                List<Span> trace = all.stream().filter(s -> s.getTraceId().equals(traces.get(0)))
                        .collect(Collectors.toList());
                if (trace.size() >= spans) {
                    assertEquals(spans, trace.size(), "spans of generation " + generation);
                    return trace;
                }
            }
            assertTrue(traces.size() <= 1, "one trace per generation");
            assertTrue(System.nanoTime() < deadline, "no complete trace for " + generation + " in 20 s; spans: "
                    + all.size());
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static Span root(List<Span> trace) {
        List<Span> roots = trace.stream().filter(s -> s.getParentSpanId().isEmpty()).toList();
        assertEquals(1, roots.size(), "one root span");
        return roots.get(0);
    }

    private static List<Span> children(List<Span> trace, Span parent) {
        return trace.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .sorted(java.util.Comparator.comparingLong(Span::getStartTimeUnixNano)).toList();
    }

    private static List<String> events(Span span) {
        return span.getEventsList().stream().map(Span.Event::getName).toList();
    }

    private static long order(Span span, String event) {
        return span.getEventsList().stream().filter(e -> e.getName().equals(event)).findFirst().orElseThrow()
                .getTimeUnixNano();
    }
}
