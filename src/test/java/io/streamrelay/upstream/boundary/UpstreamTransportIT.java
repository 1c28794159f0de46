package io.streamrelay.upstream.boundary;

import io.streamrelay.testing.KeptAliveUpstream;
import io.streamrelay.testing.SelfSignedTls;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.TunnelProxy;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamrelay.testing.Events.last;
import static io.streamrelay.testing.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream HTTP client's transport, on a Payara Micro this test starts itself with the run command's options
 * plus the JVM's standard settings (Arquillian's boot cannot take per-class JVM options). The primary upstream is
 * plain HTTP at plain.test, reached only through the forwarding proxy named by {@code -Dhttp.proxyHost}; it
 * refuses prompts starting with {@code fail} (503), which then fall over to the fallback: HTTPS at upstream.test
 * with a self-signed certificate trusted only through {@code -Djavax.net.ssl.trustStore}, reached only through the
 * CONNECT proxy named by {@code -Dhttps.proxyHost}. Neither host resolves anywhere but in the proxy. Its connections
 * are kept alive between generations, and a client leaving closes the tunnelled connection. The connect timeout:
 * OpenAiUpstreamConnectTest.
 */
class UpstreamTransportIT {

    private static final String HOST = "upstream.test";
    private static final Path DIR = Path.of("target", "upstream-transport-it");

    private static final String PLAIN_HOST = "plain.test";

    private static KeptAliveUpstream upstream;
    private static KeptAliveUpstream primary;
    private static TunnelProxy proxy;
    private static Process relay;
    private static URL base;

    @BeforeAll
    static void boot() throws Exception {
        SelfSignedTls tls = SelfSignedTls.make(DIR, HOST);
        upstream = new KeptAliveUpstream(tls.serverContext(), null);
        primary = new KeptAliveUpstream(null, "fail");
        proxy = new TunnelProxy();
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = socket.getLocalPort();
        }
        Path log = DIR.resolve("relay.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "@server-config/jvm.options",
                "-XX:StartFlightRecording:name=threads,settings=" + Path.of("src/test/resources/thread-starts.jfc")
                        .toAbsolutePath()));
        command.addAll(tls.trustOptions());
        command.addAll(List.of("-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + proxy.port(),
                "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=" + proxy.port(),
                "-jar", System.getProperty("payara.microJar"),
                "--rootdir", DIR.resolve("root").toString(), "--deploy", System.getProperty("relay.test.war"),
                "--contextroot", "/", "--port", String.valueOf(port), "--disablephonehome", "--nocluster",
                "--prebootcommandfile", "server-config/pre-boot-commands.asadmin"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_"));
        builder.environment().put("RELAY_UPSTREAM_URL", "http://" + PLAIN_HOST + ":" + primary.port());
        builder.environment().put("RELAY_UPSTREAM_API_KEY", "primary-key");
        builder.environment().put("RELAY_UPSTREAM_RETRY_MAX_ATTEMPTS", "1");
        builder.environment().put("RELAY_FALLBACK_URL", "https://" + HOST + ":" + upstream.port());
        builder.environment().put("RELAY_FALLBACK_API_KEY", "fallback-key");
        builder.environment().put("RELAY_GENERATIONS_GRACE_MS", "0");
        relay = builder.start();
        base = new URL("http://127.0.0.1:" + port + "/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.readString(log).contains(" ready in ") || status(base, "health/live") != 200) {
            assertTrue(relay.isAlive() && System.nanoTime() < deadline, "the relay did not start; see " + log);
            TimeUnit.MILLISECONDS.sleep(300);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (relay != null) {
            relay.destroyForcibly();
        }
        for (var closeable : new java.io.Closeable[]{upstream, primary, proxy}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void aPlainUpstreamIsReachedThroughHttpProxyHost() throws Exception {
        String prompt = "plain " + UUID.randomUUID();
        StreamClient client = Transport.NDJSON.chat(base, prompt).awaitEnd(45, TimeUnit.SECONDS);
        List<Transport.Received> events = Transport.NDJSON.events(client.lines());
        assertEquals("done", last(events).type(), client.bodyText());
        assertEquals(String.join("", KeptAliveUpstream.TOKENS), text(events, "token"));
        assertTrue(primary.prompts.contains(prompt), "the plain upstream answered it");
        assertTrue(proxy.forwarded.contains(PLAIN_HOST + ":" + primary.port()),
                "the relay reached it through http.proxyHost: " + proxy.forwarded);
    }

    @Test
    void twoGenerationsOverTlsThroughTheProxyShareOneKeptAliveConnection() throws Exception {
        int connectionsBefore = upstream.connections.get();
        int tunnelsBefore = proxy.tunnels.size();

        answered(Transport.NDJSON, "fail first " + UUID.randomUUID());
        assertEquals(HOST + ":" + upstream.port(), proxy.tunnels.get(proxy.tunnels.size() - 1),
                "the relay reached the upstream through https.proxyHost: " + proxy.tunnels);
        int connectionsAfterFirst = upstream.connections.get();
        answered(Transport.SSE, "fail second " + UUID.randomUUID());

        assertTrue(connectionsAfterFirst - connectionsBefore <= 1, "one connection for the first generation");
        assertEquals(connectionsAfterFirst, upstream.connections.get(),
                "the second generation reused the first one's connection (keep-alive), not a new one");
        assertTrue(proxy.tunnels.size() - tunnelsBefore <= 1, "one tunnel for both: " + proxy.tunnels);
    }

    @Test
    void aClientLeavingClosesTheTunnelledTlsConnection() throws Exception {
        StreamClient client = Transport.NDJSON.chat(base, "fail slow " + UUID.randomUUID());
        client.awaitLine(line -> line.contains("\"type\":\"token\""), 45, TimeUnit.SECONDS);
        client.close();
        upstream.slowClosed.get(20, TimeUnit.SECONDS);
    }

    /**
     * The JDK HttpClient completes each exchange on the common ForkJoinPool, which on a 2-core machine started a new
     * thread for every generation until server-config/jvm.options set its parallelism (JFR in bench/run: 1,000
     * thread starts for 1,000 streams). Every generation's threads come from bounded pools: twenty generations in a
     * row, after a few that let the pools grow, start fewer threads than there are generations, on both transports.
     */
    @Test
    void generationsStartNoThreadOfTheirOwn() throws Exception {
        for (Transport transport : List.of(Transport.NDJSON, Transport.SSE)) {
            for (int i = 0; i < 3; i++) {
                plainAnswer(transport);
            }
            Instant from = Instant.now();
            for (int i = 0; i < 20; i++) {
                plainAnswer(transport);
            }
            Instant to = Instant.now();
            TimeUnit.MILLISECONDS.sleep(500); // the last exchange's completion runs after its stream ended
            Path dump = DIR.resolve("threads-" + transport + ".jfr").toAbsolutePath();
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(relay.pid()), "JFR.dump", "name=threads", "filename=" + dump)
                    .redirectErrorStream(true).start();
            String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, jcmd.waitFor(), said);
            List<String> started = new ArrayList<>();
            for (RecordedEvent event : RecordingFile.readAllEvents(dump)) {
                if (event.getEventType().getName().equals("jdk.ThreadStart")
                        && !event.getStartTime().isBefore(from) && event.getStartTime().isBefore(to.plusMillis(500))) {
                    RecordedThread thread = event.getThread("thread");
                    RecordedThread parent = event.getThread("parentThread");
                    started.add((thread == null ? "?" : thread.getJavaName()) + " (by "
                            + (parent == null ? "?" : parent.getJavaName()) + ")");
                }
            }
            assertTrue(started.size() < 10, transport + ": 20 generations started " + started.size()
                    + " threads: " + started);
        }
    }

    private static void plainAnswer(Transport transport) throws Exception {
        StreamClient client = transport.chat(base, "plain " + UUID.randomUUID()).awaitEnd(45, TimeUnit.SECONDS);
        assertEquals("done", last(transport.events(client.lines())).type(), transport + ": " + client.bodyText());
    }

    /** One chat the primary refuses, so that the HTTPS fallback must answer it in full within 45 s. */
    private static void answered(Transport transport, String prompt) throws Exception {
        StreamClient client = transport.chat(base, prompt).awaitEnd(45, TimeUnit.SECONDS);
        List<Transport.Received> events = transport.events(client.lines());
        assertEquals("done", last(events).type(), transport + ": " + client.bodyText());
        assertEquals(String.join("", KeptAliveUpstream.TOKENS), text(events, "token"));
        assertTrue(upstream.prompts.contains(prompt), "the HTTPS upstream answered it");
    }

    private static int status(URL base, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException notYet) {
            return -1;
        }
    }
}
