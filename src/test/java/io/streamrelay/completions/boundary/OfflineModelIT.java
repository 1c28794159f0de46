package io.streamrelay.completions.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Events;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.Transport;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.sse.InboundSseEvent;
import jakarta.ws.rs.sse.SseEventSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no upstream configured at all, the built-in offline model answers through both transports. */
@RelayOnPayara
class OfflineModelIT {

    static final String PROMPT = "Wie geht's? 你好 🚀";

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(Map.of("relay.demo.token-interval-ms", "5"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void offlineModelStreamsADeterministicReply(Transport transport) throws Exception {
        StreamClient client = StreamClient.get(base, transport.path + "?prompt="
                + URLEncoder.encode(PROMPT, StandardCharsets.UTF_8), transport.mediaType)
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, client.status());
        RelayIT.assertStreamHeaders(transport, client);
        List<Received> events = transport.events(client.lines());
        Events.assertSequence(transport, events, events.get(0).json().getString("generation"));
        assertEquals("streamrelay-demo", events.get(0).json().getString("model"));
        String text = Events.text(events, "token");
        assertTrue(text.startsWith("This is StreamRelay's built-in offline model"), text);
        assertTrue(text.contains("\u201c" + PROMPT + "\u201d"), "the reply quotes the prompt: " + text);
        assertTrue(text.contains("你好，世界") && text.contains("🚀✨"), text);
        Received done = Events.last(events);
        assertEquals("done", done.type());
        assertEquals("stop", done.json().getString("finish_reason"));
        assertEquals(events.size() - 2, done.json().getJsonObject("usage").getInt("completion_tokens"));

        String again = Events.text(transport.events(StreamClient.get(base, transport.path + "?prompt="
                + URLEncoder.encode(PROMPT, StandardCharsets.UTF_8), transport.mediaType)
                .awaitEnd(20, TimeUnit.SECONDS).lines()), "token");
        assertEquals(text, again, "deterministic");
    }

    @Test
    void javaSseClientReceivesTheSameEvents() throws Exception {
        Client client = ClientBuilder.newClient();
        List<InboundSseEvent> received = new CopyOnWriteArrayList<>();
        CountDownLatch terminal = new CountDownLatch(1);
        var target = client.target(base.toURI()).path("api/chat").queryParam("prompt", "hello from Jersey")
                .queryParam("model", "ignored-by-offline-model");
        try (SseEventSource source = SseEventSource.target(target).reconnectingEvery(1, TimeUnit.HOURS).build()) {
            source.register(event -> {
                received.add(event);
                if (event.getName().equals("done") || event.getName().equals("error")) {
                    terminal.countDown();
                }
            });
            source.open();
            assertTrue(terminal.await(20, TimeUnit.SECONDS), "a terminal event arrived");
        } finally {
            client.close();
        }
        assertEquals("start", received.get(0).getName());
        assertEquals("done", received.get(received.size() - 1).getName());
        String generation = received.get(0).getId().split(":")[0];
        for (int i = 0; i < received.size(); i++) {
            assertEquals(generation + ":" + i, received.get(i).getId());
        }
        assertTrue(received.get(1).readData().startsWith("{\"type\":\"token\",\"seq\":1,"));
    }
}
