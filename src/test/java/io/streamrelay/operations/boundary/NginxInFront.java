package io.streamrelay.operations.boundary;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's nginx in front of the relay, configured by the shipped server-config/nginx/streamrelay.conf with only
 * its listen address, certificate and relay address replaced, inside a minimal main configuration whose files
 * all stay under {@code dir}. The certificate is the relay's own keystore entry, exported to PEM by openssl.
 */
final class NginxInFront {

    static final Path SHIPPED = Path.of("server-config", "nginx", "streamrelay.conf");

    private NginxInFront() {
    }

    static Process start(Path dir, Path keystore, String password, int port, int relayPort) throws Exception {
        Files.createDirectories(dir.resolve("tmp"));
        Path cert = dir.resolve("relay.crt").toAbsolutePath();
        Path key = dir.resolve("relay.key").toAbsolutePath();
        Http2IT.run(List.of("openssl", "pkcs12", "-in", keystore.toString(), "-passin", "pass:" + password,
                "-nokeys", "-out", cert.toString()));
        Http2IT.run(List.of("openssl", "pkcs12", "-in", keystore.toString(), "-passin", "pass:" + password,
                "-nocerts", "-nodes", "-out", key.toString()));
        String site = Files.readString(SHIPPED);
        for (Map.Entry<String, String> value : Map.of(
                "listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;",
                "server 127.0.0.1:8080;", "server 127.0.0.1:" + relayPort + ";",
                "/etc/nginx/tls/relay.example.com.crt", cert.toString(),
                "/etc/nginx/tls/relay.example.com.key", key.toString()).entrySet()) {
            assertTrue(site.contains(value.getKey()), SHIPPED + " no longer has " + value.getKey());
            site = site.replace(value.getKey(), value.getValue());
        }
        Path root = dir.toAbsolutePath();
        Files.writeString(root.resolve("streamrelay.conf"), site);
        Files.writeString(root.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    include %1$s/streamrelay.conf;
                }
                """.formatted(root));
        Process nginx = new ProcessBuilder(System.getProperty("nginx.binary", "/usr/sbin/nginx"), "-p",
                root.toString(), "-e", root.resolve("error.log").toString(), "-c", root.resolve("nginx.conf")
                .toString()).redirectErrorStream(true).redirectOutput(root.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listening(port)) {
            assertTrue(nginx.isAlive() && System.nanoTime() < deadline,
                    "nginx did not start: " + Files.readString(root.resolve("nginx.out")));
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return nginx;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
