package io.streamrelay.operations.boundary;

import io.streamrelay.testing.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS with HTTP/2 (docs/https.md), in Debian's Chromium: ten concurrent streams from one page all progress at
 * once over h2, served by Payara Micro's own SSL listener (a keystore made by keytool, the shipped pre-boot
 * commands) and by nginx terminating h2 in front of it (the shipped server-config/nginx/streamrelay.conf); over
 * plain HTTP/1.1 the same page gets six streams and the seventh to tenth wait. The Payara Micro is started by
 * this test like the run command (Arquillian boots one listener only), with the offline model slowed to
 * {@value TOKEN_MS} ms a token, so that each answer (65 tokens) outlasts the checks.
 */
class Http2IT {

    static final long TOKEN_MS = 400;
    static final int STREAMS = 10;
    static final String STORE_PASSWORD = "relay-tls-it";
    static final Path DIR = Path.of("target", "http2-it");

    static Process relay;
    static Process nginx;
    static int httpPort;
    static int httpsPort;
    static int nginxPort;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(DIR);
        Path keystore = DIR.resolve("relay.p12");
        Files.deleteIfExists(keystore);
        // The certificate the docs make: self-signed, for localhost and 127.0.0.1.
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "streamrelay", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "7", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD));
        httpPort = freePort();
        httpsPort = freePort();
        nginxPort = freePort();
        Path log = DIR.resolve("payara.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "@server-config/jvm.options",
                "-Djavax.net.ssl.keyStore=" + keystore.toAbsolutePath(),
                "-Djavax.net.ssl.keyStorePassword=" + STORE_PASSWORD,
                "-jar", System.getProperty("payara.microJar"),
                "--rootdir", DIR.resolve("root").toString(), "--deploy", System.getProperty("relay.test.war"),
                "--contextroot", "/", "--port", String.valueOf(httpPort), "--sslport", String.valueOf(httpsPort),
                "--sslcert", "streamrelay", "--disablephonehome", "--nocluster",
                "--prebootcommandfile", "server-config/pre-boot-commands.asadmin"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_"));
        builder.environment().put("RELAY_DEMO_TOKEN_INTERVAL_MS", String.valueOf(TOKEN_MS));
        builder.environment().put("RELAY_DRAIN_MS", "0");
        builder.environment().put("RELAY_GENERATIONS_GRACE_MS", "0");
        relay = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!Files.readString(log).contains(" ready in ") || status("http://127.0.0.1:" + httpPort) != 200) {
            assertTrue(relay.isAlive() && System.nanoTime() < deadline, "the relay did not start; see " + log);
            TimeUnit.MILLISECONDS.sleep(300);
        }
        nginx = NginxInFront.start(DIR.resolve("nginx"), keystore, STORE_PASSWORD, nginxPort, httpPort);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (relay != null) {
            relay.destroyForcibly();
            relay.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Both offer h2 by ALPN, with the keystore's certificate (not Payara's bundled one). */
    @Test
    void payaraAndNginxServeTheKeystoresCertificateAndChooseH2ByAlpn() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(DIR.resolve("relay.p12"))) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        Certificate expected = store.getCertificate("streamrelay");
        for (int port : List.of(httpsPort, nginxPort)) {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[]{new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(new String[]{"h2", "http/1.1"});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertEquals("h2", socket.getApplicationProtocol(), "port " + port);
                assertEquals(expected, socket.getSession().getPeerCertificates()[0], "port " + port);
            }
        }
    }

    @Test
    void tenStreamsProgressAtOnceOverH2FromPayarasOwnSslListener() throws Exception {
        assertAllTenProgress("https://localhost:" + httpsPort, "payara-h2");
    }

    @Test
    void tenStreamsProgressAtOnceOverH2FromNginxInFront() throws Exception {
        assertAllTenProgress("https://localhost:" + nginxPort, "nginx-h2");
        // Each stream went through nginx as an HTTP/2 request (logged when the page closed it).
        Path log = DIR.resolve("nginx").resolve("access.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.readString(log).lines().filter(l -> l.contains("GET /api/chat?prompt=stream")
                && l.contains(" HTTP/2.0\"")).count() < STREAMS) {
            assertTrue(System.nanoTime() < deadline, "ten HTTP/2 streams in " + Files.readString(log));
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Test
    void overHttp11TheSeventhStreamWaits() throws Exception {
        Map<String, Object> page = tenStreams("http://localhost:" + httpPort, "h1", false);
        assertEquals("http/1.1", page.get("protocol"), page.toString());
        List<Long> tokens = tokens(page);
        long progressed = tokens.stream().filter(n -> n > 0).count();
        System.out.printf("[measure] http/1.1: %d of %d streams progressed; tokens %s%n", progressed, STREAMS,
                tokens);
        assertEquals(List.of(), ended(page), "a stream ended while others waited: " + page);
        assertEquals(6, progressed, "streams with tokens over HTTP/1.1: " + tokens);
        assertEquals(STREAMS - 6, tokens.stream().filter(n -> n == 0).count(), "four waited: " + tokens);
        awaitNoStreams("h1");
    }

    private static void assertAllTenProgress(String origin, String name) throws Exception {
        Map<String, Object> page = tenStreams(origin, name, true);
        assertEquals("h2", page.get("protocol"), page.toString());
        List<Long> tokens = tokens(page);
        System.out.printf("[measure] %s: %d of %d streams progressed at once; tokens %s%n", name,
                tokens.stream().filter(n -> n >= 3).count(), STREAMS, tokens);
        assertEquals(List.of(), ended(page), "no stream ended before all had tokens: " + page);
        assertTrue(tokens.stream().allMatch(n -> n >= 3), "every stream got 3 tokens: " + tokens);
        awaitNoStreams(name);
    }

    /**
     * The page closed its streams (over h2: a stream reset on a connection that stays open, not a closed
     * connection): the relay notices at its next write and ends every generation (grace 0).
     */
    private static void awaitNoStreams(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String metrics = "";
        while (!metrics.contains("\"streams_in_use\":0,") || !metrics.contains("\"running_generations\":0,")) {
            assertTrue(System.nanoTime() < deadline, name + ": streams left open after the page closed them: "
                    + metrics);
            TimeUnit.MILLISECONDS.sleep(200);
            metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + httpPort + "/api/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /**
     * Opens the page at {@code origin}, then ten EventSources on /api/chat from it; returns once every stream
     * has 3 tokens ({@code all}), or once six have 3 tokens and the others had ten more token intervals
     * (about 4 s) to start. Also returns the protocol the page itself was fetched with.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> tenStreams(String origin, String name, boolean all) {
        ChromeDriver browser = Chromium.start(DIR.resolve("chromium-" + name), "--ignore-certificate-errors");
        try {
            browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
            browser.get(origin + "/health/live");
            return (Map<String, Object>) browser.executeAsyncScript("""
                    const [count, all, settleMs, done] = arguments;
                    const tokens = new Array(count).fill(0), ended = [], sources = [];
                    const finish = () => {
                      sources.forEach(s => s.close());
                      const nav = performance.getEntriesByType('navigation')[0];
                      done({tokens, ended, protocol: nav.nextHopProtocol});
                    };
                    for (let i = 0; i < count; i++) {
                      const source = new EventSource('/api/chat?prompt=' + encodeURIComponent('stream ' + i));
                      source.addEventListener('token', () => tokens[i]++);
                      for (const end of ['done', 'error']) {
                        source.addEventListener(end, e => { if (e.data !== undefined) ended.push(i); });
                      }
                      sources.push(source);
                    }
                    let settling = null, over = false;
                    const check = setInterval(() => {
                      const going = tokens.filter(n => n >= 3).length;
                      if (ended.length || going === count) { stop(); return; }
                      if (!all && going >= 6 && settling === null) settling = setTimeout(stop, settleMs);
                    }, 20);
                    function stop() {
                      if (over) return;
                      over = true;
                      clearInterval(check);
                      finish();
                    }
                    """, STREAMS, all, all ? 0 : 10 * TOKEN_MS);
        } finally {
            browser.quit();
        }
    }

    private static List<Long> tokens(Map<String, Object> page) {
        return ((List<?>) page.get("tokens")).stream().map(n -> ((Number) n).longValue()).toList();
    }

    private static List<?> ended(Map<String, Object> page) {
        return (List<?>) page.get("ended");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
    }

    private static int status(String base) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/health/ready"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException notYet) {
            return -1;
        }
    }
}
