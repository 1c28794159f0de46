package io.streamrelay.operations.boundary;

import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drain under a plain SIGTERM, on a Payara Micro this test starts itself with the run command's options
 * (server-config/jvm.options, --rootdir, the pre-boot commands; Arquillian cannot send a signal): readiness goes
 * down at once, new generations get 503 server_draining with Retry-After, a stream that can finish within
 * relay.drain-ms does, one that cannot is ended with server_shutdown no earlier than relay.drain-ms after the
 * signal, and the process exits.
 */
class DrainIT {

    static final long DRAIN_MS = 5000;
    /** The offline model at 100 ms a token: its 65-token answer takes about 6.5 s. */
    static final long TOKEN_MS = 100;

    private Process relay;

    @AfterEach
    void stop() {
        if (relay != null && relay.isAlive()) {
            relay.destroyForcibly();
        }
    }

    @Test
    void sigtermDrainsRunningStreamsAndRefusesNewOnes() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = socket.getLocalPort();
        }
        Path log = Path.of("target", "drain-it.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "@server-config/jvm.options", "-jar", System.getProperty("payara.microJar"),
                "--rootdir", "target/drain-it-root", "--deploy", System.getProperty("relay.test.war"),
                "--contextroot", "/", "--port", String.valueOf(port), "--disablephonehome", "--nocluster",
                "--prebootcommandfile", "server-config/pre-boot-commands.asadmin"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_"));
        builder.environment().put("RELAY_DRAIN_MS", String.valueOf(DRAIN_MS));
        builder.environment().put("RELAY_DEMO_TOKEN_INTERVAL_MS", String.valueOf(TOKEN_MS));
        relay = builder.start();
        URL base = new URL("http://127.0.0.1:" + port + "/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.readString(log).contains(" ready in ") || status(base, "health/ready") != 200) {
            assertTrue(relay.isAlive() && System.nanoTime() < deadline, "the relay did not start; see " + log);
            TimeUnit.MILLISECONDS.sleep(300);
        }
        TimeUnit.SECONDS.sleep(2); // the warm-up's loopback requests

        StreamClient finishes = chat(base, Transport.SSE);
        finishes.awaitLine(line -> line.contains("\"type\":\"token\""), 10, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(4000);
        StreamClient cut = chat(base, Transport.NDJSON);
        cut.awaitLine(line -> line.contains("\"type\":\"token\""), 10, TimeUnit.SECONDS);
        long sigterm = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", String.valueOf(relay.pid())).start().waitFor();

        // At once: not ready, still live, and every way to start a generation refused.
        long readyDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (status(base, "health/ready") != 503) {
            assertTrue(System.nanoTime() < readyDeadline, "readiness went down within 500 ms");
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertEquals(200, status(base, "health/live"));
        for (String path : List.of("/api/chat", "/ndjson/chat", "/api/generations")) {
            StreamClient refused = StreamClient.post(base, path, null, "application/json",
                    "{\"prompt\":\"hello\"}".getBytes(StandardCharsets.UTF_8)).awaitEnd(10, TimeUnit.SECONDS);
            assertEquals(503, refused.status(), path + ": " + refused.bodyText());
            assertTrue(refused.bodyText().contains("\"code\":\"server_draining\""), refused.bodyText());
            assertEquals("1", refused.header("Retry-After"), path);
        }

        finishes.awaitEnd(30, TimeUnit.SECONDS);
        assertTrue(finishes.bodyText().contains("event: done"), "the stream that could finish did: "
                + tail(finishes.bodyText()));
        cut.awaitEnd(30, TimeUnit.SECONDS);
        long cutAfterMs = (cut.lines().get(cut.lines().size() - 1).nanos() - sigterm) / 1_000_000;
        String last = cut.lines().stream().map(StreamClient.Line::text).filter(t -> !t.isBlank())
                .reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("\"code\":\"server_shutdown\"") && last.contains("\"retryable\":true"), last);
        assertFalse(cut.bodyText().contains("\"type\":\"done\""));
        System.out.printf("[measure] drain: the unfinished stream ended %d ms after SIGTERM (relay.drain-ms %d)%n",
                cutAfterMs, DRAIN_MS);
        assertTrue(cutAfterMs >= DRAIN_MS - 50, "nothing is cut before relay.drain-ms: " + cutAfterMs);
        assertTrue(cutAfterMs < DRAIN_MS + 3000, "cut soon after relay.drain-ms: " + cutAfterMs);

        assertTrue(relay.waitFor(60, TimeUnit.SECONDS), "the process exits after Payara's shutdown grace");
    }

    private static StreamClient chat(URL base, Transport transport) throws IOException {
        return StreamClient.post(base, transport.path, transport.mediaType, "application/json",
                "{\"prompt\":\"drain\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static int status(URL base, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException notYet) {
            return -1;
        }
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 400));
    }
}
