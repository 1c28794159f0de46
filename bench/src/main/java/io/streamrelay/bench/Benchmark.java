package io.streamrelay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
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

    private final BenchOptions options;
    private Report report;

    private Benchmark(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        new Benchmark(BenchOptions.parse(args)).run();
    }

    private void run() throws Exception {
        Set<String> scenarios = new TreeSet<>(Arrays.asList(options.get("scenarios", "paced,saturating,held,slow")
                .split(",")));
        List<LoadClient.Wire> wires = Arrays.stream(options.get("transports", "sse,ndjson,v1").split(","))
                .map(w -> LoadClient.Wire.valueOf(w.toUpperCase(Locale.ROOT))).toList();
        int streams = options.getInt("streams", 1000);
        Path work = Files.createDirectories(Path.of("bench", "target"));
        Path micro = Path.of(options.get("micro", "target/payara-micro.jar"));
        Path war = Path.of(options.get("war", "target/streamrelay.war"));
        Path preboot = Path.of(options.get("preboot", "server-config/pre-boot-commands.asadmin"));
        List<String> jvm = new java.util.ArrayList<>();
        // The relay's JVM options, as the run command passes them.
        Path jvmOptions = Path.of(options.get("jvm-options", "server-config/jvm.options"));
        if (Files.exists(jvmOptions)) {
            jvm.add("@" + jvmOptions.toAbsolutePath());
        }
        Arrays.stream(options.get("jvm", "").split(" ")).filter(s -> !s.isBlank()).forEach(jvm::add);

        Path java = Path.of(options.get("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Path peerJar = options.has("peer-jar") ? Path.of(options.get("peer-jar", "")) : null;
        // A second StreamRelay instead of Spring (another WAR or another JDK): an A/B of a change in one run.
        boolean relayPeer = peerJar == null && (options.has("peer-war") || options.has("peer-java"));
        Path peerJava = Path.of(options.get("peer-java", java.toString()));
        Path peerWar = Path.of(options.get("peer-war", war.toString()));
        String peerName = relayPeer ? options.get("peer-name", "StreamRelay-B") : "Spring";
        header(java, peerJar, relayPeer ? peerName + ": " + peerWar + " on " + javaVersion(peerJava) : null);
        MeasuredRows rows = new MeasuredRows(report);
        if (scenarios.contains("paced") || scenarios.contains("saturating") || scenarios.contains("slow")) {
            try (UpstreamSimulator simulator = new UpstreamSimulator()) {
                Map<String, String> env = new LinkedHashMap<>();
                env.put("RELAY_UPSTREAM_URL", "http://127.0.0.1:" + simulator.port());
                env.put("RELAY_UPSTREAM_API_KEY", "bench-key");
                RelayLaunch.noLimits(env);
                int port = RelayLaunch.freePort();
                int peerPort = RelayLaunch.freePort();
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
                    report.note("StreamRelay boot to ready: " + relay.bootMillis() + " ms"
                            + (peer == null ? "" : "; " + peer.name() + ": " + peer.bootMillis() + " ms")
                            + " (process start to the ready line in its log)");
                    int rounds = options.getInt("warm-up-rounds", 6);
                    report.note(MeasuredRows.warmUp(relay, port, wires, rounds));
                    if (peer != null) {
                        report.note(MeasuredRows.warmUp(peer, peerPort, wires.stream()
                                .map(w -> relayPeer ? w : w.peer()).filter(Objects::nonNull).toList(), rounds));
                    }
                    idle(relay);
                    idle(peer);
                    JfrRecording.start(options, java, relay);
                    JfrRecording.start(options, java, peer);
                    if (scenarios.contains("paced")) {
                        rows.measure("direct paced", null, simulator.port(), LoadClient.Wire.DIRECT, streams, 200,
                                20, 40);
                        for (LoadClient.Wire wire : wires) {
                            rows.sideBySide("a paced", relay, port, peer, peerPort, wire, streams, 200, 20, 40);
                        }
                    }
                    if (scenarios.contains("saturating")) {
                        int tokens = options.getInt("saturating-tokens", 600);
                        rows.measure("direct saturating", null, simulator.port(), LoadClient.Wire.DIRECT,
                                streams, tokens, 0, 5);
                        for (LoadClient.Wire wire : wires) {
                            rows.sideBySide("b saturating", relay, port, peer, peerPort, wire, streams, tokens, 0, 5);
                        }
                    }
                    if (scenarios.contains("slow")) {
                        for (LoadClient.Wire wire : wires) {
                            SlowReaderScenario.run(rows, report, relay, port, wire, streams);
                        }
                    }
                    report.note(rows.compilerShares());
                    JfrRecording.stop(options, report, java, relay);
                    JfrRecording.stop(options, report, java, peer);
                }
            }
        }
        if (scenarios.contains("held")) {
            HeldScenario.run(options, report, java, micro, war, preboot, jvm, work, wires);
        }
        report.print();
    }

    /** The report's first notes (when, where, against what) and its tables' headers, which name the peer. */
    private void header(Path java, Path peerJar, String relayPeer) throws IOException, InterruptedException {
        String when = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String vs = "StreamRelay / " + (relayPeer != null ? relayPeer.substring(0, relayPeer.indexOf(':')) : "Spring");
        report = new Report(vs);
        report.note("run " + when + " on " + Runtime.getRuntime().availableProcessors() + " cores; relays on "
                + javaVersion(java) + " (" + java + ")");
        report.note(relayPeer != null ? "peer: a second StreamRelay, " + relayPeer
                : peerJar == null ? "no peer: StreamRelay alone (bench/run says why)"
                : "peer: the Spring WebFlux relay " + peerJar + ", same JDK and -Xmx as StreamRelay, GET /stream"
                + " (SSE) and GET /chat (NDJSON); StreamRelay is asked by POST /api/chat and /ndjson/chat");
    }

    /** The first line of {@code java -version}: what both relays run on. */
    private static String javaVersion(Path java) throws IOException, InterruptedException {
        Process version = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        String[] lines = text.split("\n");
        return lines.length > 1 ? lines[0].trim() + ", " + lines[lines.length - 1].trim() : text.trim();
    }

    /** What a relay burns doing nothing (its timers, its container), over 5 s after the warm-up. */
    private void idle(RelayProcess relay) throws IOException, InterruptedException {
        if (relay == null) {
            return;
        }
        long cpu0 = relay.cpuMicros();
        Thread.sleep(5000);
        report.note(String.format(Locale.ROOT, "%s idle: %.3f cores (5 s after the warm-up, load avg %s)",
                relay.name(), (relay.cpuMicros() - cpu0) / 5e6, MeasuredRows.loadAverage()));
    }
}
