package io.streamrelay.completions.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.ServerLog;
import io.streamrelay.testing.StreamClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that leaves is the normal end of a stream, not an error: after SSE (and NDJSON) clients leave in every
 * way a client can (mid-stream, at once, with a reset, as a follower), the server log holds no SEVERE line, so an
 * operator's log does not cry wolf.
 */
@RelayOnPayara
class DisconnectLogIT {

    static final String BODY = "{\"prompt\":\"hello\"}";

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // The offline model, fast enough that every departure meets a write within milliseconds; no grace, so
        // every generation ends when its last client leaves.
        return Deployments.relay(Map.of("relay.demo.token-interval-ms", "10", "relay.heartbeat-ms", "300",
                "relay.generations.grace-ms", "0"));
    }

    @Test
    void clientsLeavingMidStreamLeaveNoSevereLine() throws Exception {
        List<StreamClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(StreamClient.get(base, "/api/chat?prompt=hello", "text/event-stream"));
            clients.add(StreamClient.post(base, "/api/chat", "text/event-stream", "application/json",
                    BODY.getBytes(StandardCharsets.UTF_8)));
            clients.add(StreamClient.get(base, "/ndjson/chat?prompt=hello", "application/x-ndjson"));
        }
        // Followers of one generation: they leave while its other followers go on.
        StreamClient first = StreamClient.get(base, "/api/chat?prompt=hello", "text/event-stream");
        String generation = first.awaitLine(line -> line.startsWith("id: "), 10, TimeUnit.SECONDS).text()
                .substring(4).split(":")[0];
        clients.add(first);
        for (int i = 0; i < 3; i++) {
            clients.add(StreamClient.get(base, "/api/generations/" + generation + "/events", "text/event-stream"));
        }
        for (StreamClient client : clients) {
            client.awaitLine(line -> line.contains("\"token\""), 10, TimeUnit.SECONDS);
        }
        // Gone mid-stream: half close cleanly, half with unread bytes (the kernel then sends a reset).
        for (int i = 0; i < clients.size(); i++) {
            if (i % 2 == 1) {
                Thread.sleep(30);
            }
            clients.get(i).close();
        }
        // Gone before the response began: the request sent, the socket closed at once.
        for (int i = 0; i < 4; i++) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.getOutputStream().write(("GET /api/chat?prompt=hi HTTP/1.1\r\nHost: x\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.setSoLinger(true, 0);
            }
        }
        awaitNoRunningGenerations();
        // The server's log lines reach this process through a pipe: let them arrive.
        Thread.sleep(2000);
        String log = ServerLog.sinceClassStart();
        assertTrue(log.contains("Payara Micro"), "the server's log is in the output");
        List<String> severe = log.lines().filter(line -> line.contains("SEVERE")).toList();
        assertEquals(List.of(), severe, "SEVERE lines after clients left:\n" + excerpt(log));
    }

    private void awaitNoRunningGenerations() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int running = -1;
        while (System.nanoTime() < deadline) {
            StreamClient metrics = StreamClient.get(base, "/api/metrics", "application/json")
                    .awaitEnd(10, TimeUnit.SECONDS);
            running = Json.object(metrics.bodyText()).getInt("running_generations");
            if (running == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("generations still running after every client left: " + running);
    }

    /** The first SEVERE record with a few lines of its stack. */
    private static String excerpt(String log) {
        int at = log.indexOf("SEVERE");
        return at < 0 ? "" : log.substring(Math.max(0, at - 200), Math.min(log.length(), at + 1500));
    }
}
