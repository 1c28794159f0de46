package io.streamrelay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11: what the upstream HTTP client costs per token. The simulator runs in its own JVM; each measurement
 * (client x pacing x round) runs in a fresh JVM of its own that warms its client up, then streams N concurrent
 * answers and prints its process CPU and heap allocation per {@code data:} line. Rounds alternate the clients'
 * order; the summary gives each client's median and spread. docs/benchmark.md, "Upstream clients compared".
 * <pre>
 *   java -cp ... io.streamrelay.bench.UpstreamClientsCompared --streams 500 --tokens 400 --gaps 0-5,20-40 \
 *       --clients jdk,jdk-direct,jetty,jetty-nb,nio --rounds 3 --threads 2 [--tls true]
 * </pre>
 * With {@code --tls true} the simulator is behind TLS (a self-signed certificate made with keytool, trusted through
 * {@code -Djavax.net.ssl.trustStore}); the nio floor speaks no TLS and is left out then.
 */
public final class UpstreamClientsCompared {

    private UpstreamClientsCompared() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (options.containsKey("one")) {
            System.out.println(measureOne(options));
            return;
        }
        compare(options);
    }

    private static void compare(Map<String, String> options) throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        List<String> clients = List.of(options.getOrDefault("clients", "jdk,jdk-direct,jetty,jetty-nb,nio").split(","));
        List<String> gaps = List.of(options.getOrDefault("gaps", "0-5,20-40").split(","));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        boolean tls = Boolean.parseBoolean(options.getOrDefault("tls", "false"));
        List<String> simulatorCommand = new ArrayList<>(List.of(javaCommand, "-Xmx1g", "-cp", classpath,
                "io.streamrelay.bench.SimulatorProcess"));
        List<String> trust = new ArrayList<>();
        if (tls) {
            Path dir = Files.createDirectories(Path.of("target", "clients-tls"));
            Path keyStore = dir.resolve("server.p12");
            Path certificate = dir.resolve("server.cer");
            Path trustStore = dir.resolve("trust.p12");
            for (Path old : List.of(keyStore, certificate, trustStore)) {
                Files.deleteIfExists(old);
            }
            keytool("-genkeypair", "-alias", "sim", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", keyStore.toString(), "-storepass", "changeit");
            keytool("-exportcert", "-alias", "sim", "-keystore", keyStore.toString(), "-storepass", "changeit",
                    "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "sim", "-file", certificate.toString(), "-storetype",
                    "PKCS12", "-keystore", trustStore.toString(), "-storepass", "changeit");
            simulatorCommand.addAll(List.of(keyStore.toString(), "changeit"));
            trust.addAll(List.of("-Djavax.net.ssl.trustStore=" + trustStore.toAbsolutePath(),
                    "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12"));
        }
        Process simulator = new ProcessBuilder(simulatorCommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int port = Integer.parseInt(new BufferedReader(new InputStreamReader(simulator.getInputStream(),
                StandardCharsets.US_ASCII)).readLine().strip());
        System.out.printf("upstream clients compared%s, %s, %d cores, JDK %s, streams %s x tokens %s, threads %s%n",
                tls ? " over TLS" : "",
                java.time.Instant.now().toString(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                options.getOrDefault("streams", "500"), options.getOrDefault("tokens", "400"),
                options.getOrDefault("threads", "2"));
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try {
            for (String gap : gaps) {
                for (int round = 0; round < rounds; round++) {
                    for (int c = 0; c < clients.size(); c++) {
                        // Alternate: each round starts with the next client.
                        String client = clients.get((c + round) % clients.size());
                        List<String> command = new ArrayList<>(List.of(javaCommand, "-Xmx1g", "-XX:+UseParallelGC"));
                        command.addAll(trust);
                        command.addAll(List.of("-cp", classpath, UpstreamClientsCompared.class.getName(), "--one",
                                client, "--gap", gap, "--port", String.valueOf(port), "--scheme",
                                tls ? "https" : "http"));
                        for (String key : List.of("streams", "tokens", "threads")) {
                            if (options.containsKey(key)) {
                                command.addAll(List.of("--" + key, options.get(key)));
                            }
                        }
                        Process one = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                        String line = new String(one.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                        one.waitFor();
                        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
                        System.out.printf("%-10s gap %-6s round %d: %s, load %s%n", client, gap, round + 1, line, load);
                        String[] f = line.split(" ");
                        results.computeIfAbsent(client + " " + gap, k -> new ArrayList<>()).add(new double[]{
                                Double.parseDouble(f[1]), Double.parseDouble(f[4]), Double.parseDouble(load)});
                    }
                }
            }
        } finally {
            simulator.getOutputStream().close();
            simulator.waitFor(5, TimeUnit.SECONDS);
            simulator.destroy();
        }
        System.out.println();
        System.out.println("| client | pacing ms | CPU µs/line median (min-max) | alloc B/line median (min-max) | load |");
        System.out.println("|---|---|---|---|---|");
        results.forEach((key, runs) -> {
            String[] k = key.split(" ");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", k[0], k[1], spread(runs, 0, "%.1f"),
                    spread(runs, 1, "%.0f"), spread(runs, 2, "%.1f"));
        });
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + args[0] + ": " + output);
        }
    }

    private static String spread(List<double[]> runs, int field, String format) {
        double[] values = runs.stream().mapToDouble(r -> r[field]).sorted().toArray();
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", values[values.length / 2],
                values[0], values[values.length - 1]);
    }

    /** One client in this JVM: warm-up, then the measured run; "cpu X us/line alloc Y B/line lines L wall W s". */
    private static String measureOne(Map<String, String> options) throws Exception {
        int streams = Integer.parseInt(options.getOrDefault("streams", "500"));
        int tokens = Integer.parseInt(options.getOrDefault("tokens", "400"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
        String[] gap = options.get("gap").split("-");
        URI uri = URI.create(options.getOrDefault("scheme", "http") + "://127.0.0.1:" + options.get("port")
                + "/chat/completions");
        try (StreamingClient client = switch (options.get("one")) {
            case "jdk" -> new JdkStreamingClient(threads);
            case "jdk-direct" -> new JdkStreamingClient(0);
            case "jetty" -> new JettyStreamingClient(threads, false);
            case "jetty-nb" -> new JettyStreamingClient(threads, true);
            case "nio" -> new NioStreamingClient();
            default -> throw new IllegalArgumentException("clients: jdk, jdk-direct, jetty, jetty-nb, nio");
        }) {
            run(client, uri, 300, 200, "0", "2");
            run(client, uri, 300, 200, "0", "2");
            Thread.sleep(1000);
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            com.sun.management.ThreadMXBean heap = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long cpu = os.getProcessCpuTime();
            long allocated = heap.getTotalThreadAllocatedBytes();
            long start = System.nanoTime();
            long lines = run(client, uri, streams, tokens, gap[0], gap[1]);
            long wall = System.nanoTime() - start;
            cpu = os.getProcessCpuTime() - cpu;
            allocated = heap.getTotalThreadAllocatedBytes() - allocated;
            long expected = (long) streams * (tokens + 4);
            if (lines != expected) {
                throw new IllegalStateException(options.get("one") + ": " + lines + " data lines, expected " + expected);
            }
            return String.format(Locale.ROOT, "cpu %.2f us/line alloc %.0f B/line lines %d wall %.1f s",
                    cpu / 1000.0 / lines, (double) allocated / lines, lines, wall / 1e9);
        }
    }

    private static long run(StreamingClient client, URI uri, int streams, int tokens, String minGap, String maxGap)
            throws Exception {
        String body = "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + UpstreamSimulator.prompt(tokens, Integer.parseInt(minGap), Integer.parseInt(maxGap)) + "\"}]}";
        List<DataLines> counters = new ArrayList<>();
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            DataLines lines = new DataLines();
            counters.add(lines);
            ends.add(client.stream(uri, body, lines));
        }
        CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        return counters.stream().mapToLong(c -> c.lines).sum();
    }
}
