package io.streamrelay.testing;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payara Micro instances clustered on loopback, each started as the run command starts one (server-config/
 * jvm.options, the pre-boot commands, its own --rootdir) without --nocluster, plus only the cluster options of
 * docs/cluster.md, and nginx in front of them with server-config/nginx/cluster.conf (its ports replaced).
 */
public final class LocalCluster implements Closeable {

    private static final Path DIR = Path.of("target", "cluster-it");

    private final List<Process> instances = new ArrayList<>();
    private final List<URL> bases = new ArrayList<>();
    private Process nginx;
    private URL front;

    /** Starts {@code count} instances with these RELAY_ environment settings, waits for all, then nginx. */
    public LocalCluster(int count, Map<String, String> environment) throws Exception {
        Files.createDirectories(DIR);
        List<Integer> gridPorts = freePorts(count);
        StringJoiner members = new StringJoiner(",", "tcpip:", "");
        gridPorts.forEach(port -> members.add("127.0.0.1:" + port));
        for (int i = 0; i < count; i++) {
            int port = freePorts(1).get(0);
            bases.add(new URL("http://127.0.0.1:" + port + "/"));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "@server-config/jvm.options", "-Dhazelcast.socket.bind.any=false"));
            command.addAll(List.of(environment.getOrDefault("JVM", "").split(" ")).stream()
                    .filter(s -> !s.isBlank()).toList());
            command.addAll(List.of("-jar", System.getProperty("payara.microJar"),
                    "--rootdir", DIR.resolve("root" + i).toString(), "--deploy", System.getProperty("relay.test.war"),
                    "--contextroot", "/", "--port", String.valueOf(port), "--disablephonehome",
                    "--prebootcommandfile", "server-config/pre-boot-commands.asadmin",
                    "--clustermode", members.toString(), "--startport", String.valueOf(gridPorts.get(i)),
                    "--clustername", "relay-it-" + ProcessHandle.current().pid(), "--name", "relay" + i,
                    "--interfaces", "127.0.0.1", "--nohostaware"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log(i).toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_"));
            environment.forEach((key, value) -> {
                if (key.startsWith("RELAY_")) {
                    builder.environment().put(key, value);
                }
            });
            builder.environment().put("RELAY_CLUSTER_ENABLED", "true");
            instances.add(builder.start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(400);
        for (int i = 0; i < count; i++) {
            while (!Files.readString(log(i)).contains(" ready in ") || status(bases.get(i), "health/ready") != 200) {
                assertTrue(instances.get(i).isAlive() && System.nanoTime() < deadline,
                        "instance " + i + " did not start; see " + log(i));
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
        startNginx();
    }

    private void startNginx() throws Exception {
        int port = freePorts(1).get(0);
        String site = Files.readString(Path.of("server-config", "nginx", "cluster.conf"))
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
        for (int i = 0; i < 3; i++) {
            String to = i < bases.size() ? "127.0.0.1:" + bases.get(i).getPort() : "127.0.0.1:" + bases.get(0).getPort();
            site = site.replace("127.0.0.1:808" + (i + 1) + " ", to + " ");
        }
        Path root = DIR.resolve("nginx").toAbsolutePath();
        Files.createDirectories(root.resolve("tmp"));
        Files.writeString(root.resolve("cluster.conf"), site);
        Files.writeString(root.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 1024; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    include %1$s/cluster.conf;
                }
                """.formatted(root));
        String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        nginx = new ProcessBuilder(binary, "-p", root.toString(), "-c", root.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("stdout.log").toFile()).start();
        front = new URL("http://127.0.0.1:" + port + "/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (status(front, "health/ready") != 200) {
            assertTrue(nginx.isAlive() && System.nanoTime() < deadline, "nginx did not start; see " + root);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** nginx: round robin over every instance. */
    public URL front() {
        return front;
    }

    /** Instance {@code i} directly. */
    public URL base(int i) {
        return bases.get(i);
    }

    public Process process(int i) {
        return instances.get(i);
    }

    public Path log(int i) {
        return DIR.resolve("relay" + i + ".log");
    }

    public static int status(URL base, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException | InterruptedException notYet) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (nginx != null) {
            nginx.destroy();
        }
        instances.forEach(Process::destroyForcibly);
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                sockets.add(socket);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
