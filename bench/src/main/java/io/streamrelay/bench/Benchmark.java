package io.streamrelay.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the scenarios and prints one table. The relay is a separate Payara Micro process; the simulator and the
 * client share this process (one thread each) so their clocks agree and their cost stays out of the relay's
 * figures. Their own ceiling is the "direct" rows: the client reading the simulator with no relay between.
 */
public final class Benchmark {

    private final Map<String, String> options;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Benchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new Benchmark(options).run();
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(option(name, String.valueOf(fallback)));
    }

    private void run() throws Exception {
        Set<String> scenarios = new TreeSet<>(Arrays.asList(option("scenarios", "paced,saturating,held,slow")
                .split(",")));
        List<LoadClient.Wire> wires = Arrays.stream(option("transports", "sse,ndjson,v1").split(","))
                .map(w -> LoadClient.Wire.valueOf(w.toUpperCase(Locale.ROOT))).toList();
        int streams = intOption("streams", 1000);
        Path work = Files.createDirectories(Path.of("bench", "target"));
        Path micro = Path.of(option("micro", "target/payara-micro.jar"));
        Path war = Path.of(option("war", "target/streamrelay.war"));
        Path preboot = Path.of(option("preboot", "server-config/pre-boot-commands.asadmin"));
        List<String> jvm = new java.util.ArrayList<>();
        // The relay's JVM options, as the run command passes them.
        Path jvmOptions = Path.of(option("jvm-options", "server-config/jvm.options"));
        if (Files.exists(jvmOptions)) {
            jvm.add("@" + jvmOptions.toAbsolutePath());
        }
        Arrays.stream(option("jvm", "").split(" ")).filter(s -> !s.isBlank()).forEach(jvm::add);

        header();
        if (scenarios.contains("paced") || scenarios.contains("saturating") || scenarios.contains("slow")) {
            try (UpstreamSimulator simulator = new UpstreamSimulator()) {
                Map<String, String> env = new LinkedHashMap<>();
                env.put("RELAY_UPSTREAM_URL", "http://127.0.0.1:" + simulator.port());
                env.put("RELAY_UPSTREAM_API_KEY", "bench-key");
                noLimits(env);
                int port = freePort();
                try (RelayProcess relay = new RelayProcess(micro, war, preboot, port, env, jvm,
                        work.resolve("relay-upstream.log"))) {
                    notes.add("relay boot to ready: " + relay.bootSeconds() + " ms (Payara Micro's own figure)");
                    warmUp(relay, port, wires);
                    if (scenarios.contains("paced")) {
                        measure("direct", "paced", null, simulator.port(), LoadClient.Wire.DIRECT,
                                streams, 200, 20, 40);
                        for (LoadClient.Wire wire : wires) {
                            measure("a paced", "paced", relay, port, wire, streams, 200, 20, 40);
                        }
                    }
                    if (scenarios.contains("saturating")) {
                        int tokens = intOption("saturating-tokens", 600);
                        measure("direct", "saturating", null, simulator.port(), LoadClient.Wire.DIRECT,
                                streams, tokens, 0, 5);
                        for (LoadClient.Wire wire : wires) {
                            measure("b saturating", "saturating", relay, port, wire, streams, tokens, 0, 5);
                        }
                    }
                    if (scenarios.contains("slow")) {
                        for (LoadClient.Wire wire : wires) {
                            slowReader(relay, port, wire, streams);
                        }
                    }
                }
            }
        }
        if (scenarios.contains("held")) {
            held(micro, war, preboot, jvm, work, wires);
        }
        System.out.println();
        rows.forEach(System.out::println);
        System.out.println();
        notes.forEach(n -> System.out.println("- " + n));
    }

    private void header() {
        String when = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        notes.add("run " + when + " on " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        rows.add("| scenario | transport | streams ok/failed | tokens | tokens/s | added latency p50 / p99 / max ms"
                + " | TTFT p50 / p99 ms | relay CPU µs/token | relay cores | peak RSS MB | peak threads |");
        rows.add("|---|---|---|---|---|---|---|---|---|---|---|");
    }

    private void warmUp(RelayProcess relay, int port, List<LoadClient.Wire> wires) throws IOException {
        for (LoadClient.Wire wire : wires) {
            new LoadClient(new LoadClient.Plan(wire, port, 300, 300, 0, 5, true, 2000, 60_000)).run();
        }
        notes.add("each transport was warmed up with 300 streams x 300 tokens before measuring");
    }

    private LoadClient.Result measure(String scenario, String kind, RelayProcess relay, int port,
                                      LoadClient.Wire wire, int streams, int tokens, int minGap, int maxGap)
            throws Exception {
        long cpu0 = relay == null ? 0 : relay.cpuMicros();
        if (relay != null) {
            relay.startSampling();
        }
        long wall0 = System.nanoTime();
        LoadClient.Result result = new LoadClient(new LoadClient.Plan(wire, port, streams, tokens, minGap, maxGap,
                true, 5000, 180_000)).run();
        long wallMicros = (System.nanoTime() - wall0) / 1000;
        if (relay != null) {
            relay.stopSampling();
        }
        long cpu = relay == null ? 0 : relay.cpuMicros() - cpu0;
        row(scenario.equals("direct") ? "direct " + kind : scenario, wire, streams, result, relay, cpu, wallMicros);
        return result;
    }

    private void row(String scenario, LoadClient.Wire wire, int streams, LoadClient.Result result,
                     RelayProcess relay, long cpuMicros, long wallMicros) {
        String failures = result.failures.isEmpty() ? "" : " " + result.failures;
        rows.add(String.format(Locale.ROOT, "| %s | %s | %d/%d%s | %d | %.0f | %s | %s | %s | %s | %s | %s |",
                scenario, wire.name().toLowerCase(Locale.ROOT), result.completed, streams - result.completed,
                failures, result.tokens, result.tokensPerSecond(),
                result.latency.size() == 0 ? "—" : String.format(Locale.ROOT, "%.2f / %.2f / %.1f",
                        result.latency.ms(0.5), result.latency.ms(0.99), result.latency.ms(1.0)),
                String.format(Locale.ROOT, "%.1f / %.1f", result.ttft.ms(0.5), result.ttft.ms(0.99)),
                relay == null ? "—" : String.format(Locale.ROOT, "%.1f", (double) cpuMicros / Math.max(1, result.tokens)),
                relay == null ? "—" : String.format(Locale.ROOT, "%.2f", (double) cpuMicros / wallMicros),
                relay == null ? "—" : String.valueOf(relay.peakRssKb() / 1024),
                relay == null ? "—" : String.valueOf(relay.peakThreads())));
    }

    private void slowReader(RelayProcess relay, int port, LoadClient.Wire wire, int streams) throws Exception {
        if (wire == LoadClient.Wire.V1) {
            return; // SlowReader speaks the native request; /v1's writer is the NDJSON one's
        }
        String path = wire == LoadClient.Wire.SSE ? "/api/chat" : "/ndjson/chat";
        SlowReader slow = new SlowReader(port, path, 50_000, 200, 1024, 60_000);
        Thread thread = new Thread(slow, "slow-reader");
        thread.setDaemon(true);
        long rssBefore = relay.statusKb("VmRSS");
        thread.start();
        LoadClient.Result result = measure("d slow reader", "slow", relay, port, wire, streams, 200, 20, 40);
        long rssAfter = relay.statusKb("VmRSS");
        thread.join(70_000);
        notes.add(String.format(Locale.ROOT, "d %s: the slow reader (4 KiB receive buffer, 1 KiB per 200 ms, "
                        + "asked for 50,000 tokens at 0-1 ms) was %s; relay RSS %d MB before, %d MB after the "
                        + "other %d streams; their p99 %.2f ms",
                wire.name().toLowerCase(Locale.ROOT), slow.outcome, rssBefore / 1024, rssAfter / 1024, streams,
                result.latency.ms(0.99)));
    }

    private void held(Path micro, Path war, Path preboot, List<String> jvm, Path work, List<LoadClient.Wire> wires)
            throws Exception {
        int held = intOption("held", 10_000);
        int tokens = intOption("held-tokens", 45);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RELAY_DEMO_TOKEN_INTERVAL_MS", "1000");
        // A ping 700 ms after each token: every stream then shows whether its heartbeat timer fires on time.
        env.put("RELAY_HEARTBEAT_MS", "700");
        env.put("RELAY_HEARTBEAT_PROBES", "0");
        noLimits(env);
        for (LoadClient.Wire wire : wires) {
            int port = freePort();
            try (RelayProcess relay = new RelayProcess(micro, war, preboot, port, env, jvm,
                    work.resolve("relay-held-" + wire.name().toLowerCase(Locale.ROOT) + ".log"))) {
                long cpu0 = relay.cpuMicros();
                relay.startSampling();
                long wall0 = System.nanoTime();
                LoadClient.Result result = new LoadClient(new LoadClient.Plan(wire, port, held, tokens, 0, 0, false,
                        1000, 240_000)).run();
                long wallMicros = (System.nanoTime() - wall0) / 1000;
                relay.stopSampling();
                row("c held (offline model, 1 token/s)", wire, held, result, relay, relay.cpuMicros() - cpu0,
                        wallMicros);
                notes.add(String.format(Locale.ROOT, "c %s: %d streams held open ~%d s each; heartbeat 700 ms "
                                + "after each token: ping gap p50 %.0f / p99 %.0f / max %.0f ms (%d pings); "
                                + "token gap p50 %.0f / p99 %.0f ms (paced 1000)",
                        wire.name().toLowerCase(Locale.ROOT), held, tokens, result.pingGap.ms(0.5),
                        result.pingGap.ms(0.99), result.pingGap.ms(1.0), result.pingGap.size(),
                        result.tokenGap.ms(0.5), result.tokenGap.ms(0.99)));
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The load comes from one address: the relay's per-client limits would measure themselves, not the relay. */
    private static void noLimits(Map<String, String> env) {
        env.put("RELAY_LIMIT_REQUESTS_PER_MINUTE", "0");
        env.put("RELAY_LIMIT_STREAMS_PER_CLIENT", "0");
        env.put("RELAY_LIMIT_STREAMS_TOTAL", "0");
    }
}
