package io.streamrelay.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
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
import java.util.Objects;
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
    private final List<String> comparisons = new ArrayList<>();
    /** Side-by-side rows so far: odd ones measure the peer first. */
    private int sideBySideRows;

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

        Path java = Path.of(option("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Path peerJar = options.containsKey("peer-jar") ? Path.of(option("peer-jar", "")) : null;
        // A second StreamRelay instead of Spring (another WAR or another JDK): an A/B of a change in one run.
        boolean relayPeer = peerJar == null && (options.containsKey("peer-war") || options.containsKey("peer-java"));
        Path peerJava = Path.of(option("peer-java", java.toString()));
        Path peerWar = Path.of(option("peer-war", war.toString()));
        String peerName = relayPeer ? option("peer-name", "StreamRelay-B") : "Spring";
        header(java, peerJar, relayPeer ? peerName + ": " + peerWar + " on " + javaVersion(peerJava) : null);
        if (scenarios.contains("paced") || scenarios.contains("saturating") || scenarios.contains("slow")) {
            try (UpstreamSimulator simulator = new UpstreamSimulator()) {
                Map<String, String> env = new LinkedHashMap<>();
                env.put("RELAY_UPSTREAM_URL", "http://127.0.0.1:" + simulator.port());
                env.put("RELAY_UPSTREAM_API_KEY", "bench-key");
                noLimits(env);
                int port = freePort();
                int peerPort = freePort();
                boolean withPeer = (peerJar != null || relayPeer)
                        && (scenarios.contains("paced") || scenarios.contains("saturating"));
                try (RelayProcess relay = RelayProcess.payara("StreamRelay", java, micro, war, preboot, port, env,
                        jvm, work.resolve("relay-upstream.log"));
                     RelayProcess peer = !withPeer ? null : relayPeer
                             ? RelayProcess.payara(peerName, peerJava, micro, peerWar, preboot, peerPort, env, jvm,
                                     work.resolve("relay-b-upstream.log"))
                             : RelayProcess.spring(java, peerJar, peerPort,
                                     "http://127.0.0.1:" + simulator.port() + "/v1/chat/completions", jvm,
                                     work.resolve("peer-spring.log"))) {
                    notes.add("StreamRelay boot to ready: " + relay.bootMillis() + " ms"
                            + (peer == null ? "" : "; " + peer.name() + ": " + peer.bootMillis() + " ms")
                            + " (process start to the ready line in its log)");
                    warmUp(port, wires);
                    if (peer != null) {
                        warmUp(peerPort, wires.stream().map(w -> relayPeer ? w : w.peer())
                                .filter(Objects::nonNull).toList());
                    }
                    idle(relay);
                    idle(peer);
                    jfr(java, relay, "start");
                    jfr(java, peer, "start");
                    notes.add("each transport of each relay was warmed up with 300 streams x 300 tokens (0-5 ms)"
                            + " before measuring");
                    if (scenarios.contains("paced")) {
                        measure("direct paced", null, simulator.port(), LoadClient.Wire.DIRECT, streams, 200, 20, 40);
                        for (LoadClient.Wire wire : wires) {
                            sideBySide("a paced", relay, port, peer, peerPort, wire, streams, 200, 20, 40);
                        }
                    }
                    if (scenarios.contains("saturating")) {
                        int tokens = intOption("saturating-tokens", 600);
                        measure("direct saturating", null, simulator.port(), LoadClient.Wire.DIRECT,
                                streams, tokens, 0, 5);
                        for (LoadClient.Wire wire : wires) {
                            sideBySide("b saturating", relay, port, peer, peerPort, wire, streams, tokens, 0, 5);
                        }
                    }
                    if (scenarios.contains("slow")) {
                        for (LoadClient.Wire wire : wires) {
                            slowReader(relay, port, wire, streams);
                        }
                    }
                    jfr(java, relay, "stop");
                    jfr(java, peer, "stop");
                }
            }
        }
        if (scenarios.contains("held")) {
            held(java, micro, war, preboot, jvm, work, wires);
        }
        System.out.println();
        if (comparisons.size() > 2) {
            comparisons.forEach(System.out::println);
            System.out.println();
        }
        rows.forEach(System.out::println);
        System.out.println();
        notes.forEach(n -> System.out.println("- " + n));
    }

    private void header(Path java, Path peerJar, String relayPeer) throws IOException, InterruptedException {
        String when = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        notes.add("run " + when + " on " + Runtime.getRuntime().availableProcessors() + " cores; relays on "
                + javaVersion(java) + " (" + java + ")");
        notes.add(relayPeer != null ? "peer: a second StreamRelay, " + relayPeer
                : peerJar == null ? "no peer: StreamRelay alone (bench/run says why)"
                : "peer: the Spring WebFlux relay " + peerJar + ", same JDK and -Xmx as StreamRelay, GET /stream"
                + " (SSE) and GET /chat (NDJSON); StreamRelay is asked by POST /api/chat and /ndjson/chat");
        rows.add("| scenario | relay | transport | streams ok/failed | tokens | tokens/s | added latency p50 / p99 / max ms"
                + " | TTFT p50 / p99 ms | relay CPU µs/token | relay cores | peak RSS MB | peak threads | load avg |");
        rows.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        String vs = "StreamRelay / " + (relayPeer != null ? relayPeer.substring(0, relayPeer.indexOf(':')) : "Spring");
        comparisons.add("| scenario | transport | relay CPU µs/token: " + vs + " / ratio"
                + " | added latency p99 ms: " + vs + " / ratio | TTFT p99 ms: " + vs + " / ratio"
                + " | tokens/s: " + vs + " / ratio | streams ok: " + vs + " | load avg | measured first |");
        comparisons.add("|---|---|---|---|---|---|---|---|---|");
    }

    /** The first line of {@code java -version}: what both relays run on. */
    private static String javaVersion(Path java) throws IOException, InterruptedException {
        Process version = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        String[] lines = text.split("\n");
        return lines.length > 1 ? lines[0].trim() + ", " + lines[lines.length - 1].trim() : text.trim();
    }

    /**
     * With {@code --jfr PREFIX}: a JFR recording (settings=profile) of each relay from after its warm-up to the end
     * of its measured rows, so that boot and warm-up stay out of the profile: PREFIX.&lt;relay name&gt;.jfr.
     */
    private void jfr(Path java, RelayProcess relay, String what) throws IOException, InterruptedException {
        if (!options.containsKey("jfr") || relay == null) {
            return;
        }
        String file = option("jfr", "") + "." + relay.name() + ".jfr";
        String jcmd = java.resolveSibling("jcmd").toString();
        List<String> command = new ArrayList<>(List.of(jcmd, String.valueOf(relay.pid())));
        if (what.equals("start")) {
            command.addAll(List.of("JFR.start", "name=bench", "settings=profile"));
        } else {
            command.addAll(List.of("JFR.stop", "name=bench",
                    "filename=" + Path.of(file).toAbsolutePath()));
        }
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
        if (what.equals("stop")) {
            notes.add("JFR recording of " + relay.name() + "'s measured rows: " + file);
        }
    }

    /** What a relay burns doing nothing (its timers, its container), over 5 s after the warm-up. */
    private void idle(RelayProcess relay) throws IOException, InterruptedException {
        if (relay == null) {
            return;
        }
        long cpu0 = relay.cpuMicros();
        Thread.sleep(5000);
        notes.add(String.format(Locale.ROOT, "%s idle: %.3f cores (5 s after the warm-up, load avg %s)", relay.name(),
                (relay.cpuMicros() - cpu0) / 5e6, loadAverage()));
    }

    /** The 1-minute load average: the machine is shared, so every figure says how busy it was. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private void warmUp(int port, List<LoadClient.Wire> wires) throws IOException {
        for (LoadClient.Wire wire : wires) {
            new LoadClient(new LoadClient.Plan(wire, port, 300, 300, 0, 5, true, 2000, 60_000)).run();
        }
    }

    /**
     * StreamRelay and the peer on the same load, then one line comparing them. Which one goes first alternates from
     * row to row: in an A/A run (the same WAR twice) the relay measured first spent about 14% more CPU per token, so a
     * fixed order would tilt every ratio the same way.
     */
    private void sideBySide(String scenario, RelayProcess relay, int port, RelayProcess peer, int peerPort,
                            LoadClient.Wire wire, int streams, int tokens, int minGap, int maxGap) throws Exception {
        LoadClient.Wire peerWire = peer == null ? null : peer.name().equals("Spring") ? wire.peer() : wire;
        if (peerWire == null) {
            measure(scenario, relay, port, wire, streams, tokens, minGap, maxGap);
            return;
        }
        boolean peerFirst = sideBySideRows++ % 2 == 1;
        Measured theirs = peerFirst ? measure(scenario, peer, peerPort, peerWire, streams, tokens, minGap, maxGap)
                : null;
        Measured ours = measure(scenario, relay, port, wire, streams, tokens, minGap, maxGap);
        if (!peerFirst) {
            theirs = measure(scenario, peer, peerPort, peerWire, streams, tokens, minGap, maxGap);
        }
        comparisons.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d / %d | %s, %s | %s |",
                scenario, wire.transport(),
                triple(ours.cpuPerToken(), theirs.cpuPerToken(), "%.1f"),
                triple(ours.result().latency.ms(0.99), theirs.result().latency.ms(0.99), "%.1f"),
                triple(ours.result().ttft.ms(0.99), theirs.result().ttft.ms(0.99), "%.0f"),
                triple(ours.result().tokensPerSecond(), theirs.result().tokensPerSecond(), "%.0f"),
                ours.result().completed, theirs.result().completed, ours.load(), theirs.load(),
                peerFirst ? peer.name() : "StreamRelay"));
    }

    private static String triple(double ours, double theirs, String format) {
        return String.format(Locale.ROOT, format + " / " + format + " / %.2f", ours, theirs, ours / theirs);
    }

    /** One measured row: the client's result, the relay's CPU over the row, and the load average at its end. */
    record Measured(LoadClient.Result result, long cpuMicros, String load) {
        double cpuPerToken() {
            return (double) cpuMicros / Math.max(1, result.tokens);
        }
    }

    private Measured measure(String scenario, RelayProcess relay, int port, LoadClient.Wire wire, int streams,
                             int tokens, int minGap, int maxGap) throws Exception {
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
        String load = loadAverage();
        row(scenario, wire, streams, result, relay, cpu, wallMicros, load);
        return new Measured(result, cpu, load);
    }

    private void row(String scenario, LoadClient.Wire wire, int streams, LoadClient.Result result,
                     RelayProcess relay, long cpuMicros, long wallMicros, String load) {
        String failures = result.failures.isEmpty() ? "" : " " + result.failures;
        String name = relay == null ? "—" : relay.name();
        rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %d/%d%s | %d | %.0f | %s | %s | %s | %s | %s | %s | %s |",
                scenario, name, wire.transport(), result.completed, streams - result.completed,
                failures, result.tokens, result.tokensPerSecond(),
                result.latency.size() == 0 ? "—" : String.format(Locale.ROOT, "%.2f / %.2f / %.1f",
                        result.latency.ms(0.5), result.latency.ms(0.99), result.latency.ms(1.0)),
                String.format(Locale.ROOT, "%.1f / %.1f", result.ttft.ms(0.5), result.ttft.ms(0.99)),
                relay == null ? "—" : String.format(Locale.ROOT, "%.1f", (double) cpuMicros / Math.max(1, result.tokens)),
                relay == null ? "—" : String.format(Locale.ROOT, "%.2f", (double) cpuMicros / wallMicros),
                relay == null ? "—" : String.valueOf(relay.peakRssKb() / 1024),
                relay == null ? "—" : String.valueOf(relay.peakThreads()), load));
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
        LoadClient.Result result = measure("d slow reader", relay, port, wire, streams, 200, 20, 40).result();
        long rssAfter = relay.statusKb("VmRSS");
        thread.join(70_000);
        notes.add(String.format(Locale.ROOT, "d %s: the slow reader (4 KiB receive buffer, 1 KiB per 200 ms, "
                        + "asked for 50,000 tokens at 0-1 ms) was %s; relay RSS %d MB before, %d MB after the "
                        + "other %d streams; their p99 %.2f ms",
                wire.name().toLowerCase(Locale.ROOT), slow.outcome, rssBefore / 1024, rssAfter / 1024, streams,
                result.latency.ms(0.99)));
    }

    private void held(Path java, Path micro, Path war, Path preboot, List<String> jvm, Path work, List<LoadClient.Wire> wires)
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
            try (RelayProcess relay = RelayProcess.payara("StreamRelay", java, micro, war, preboot, port, env, jvm,
                    work.resolve("relay-held-" + wire.name().toLowerCase(Locale.ROOT) + ".log"))) {
                long cpu0 = relay.cpuMicros();
                relay.startSampling();
                long wall0 = System.nanoTime();
                LoadClient.Result result = new LoadClient(new LoadClient.Plan(wire, port, held, tokens, 0, 0, false,
                        1000, 240_000)).run();
                long wallMicros = (System.nanoTime() - wall0) / 1000;
                relay.stopSampling();
                row("c held (offline model, 1 token/s)", wire, held, result, relay, relay.cpuMicros() - cpu0,
                        wallMicros, loadAverage());
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
