package io.streamrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the load of one row against a relay and puts the row in the report: the client's figures with the relay's
 * CPU, RSS and threads over the same span. Side-by-side rows run the same load on StreamRelay and on the peer.
 */
final class MeasuredRows {

    private final Report report;
    private final List<String> compilerShares = new ArrayList<>();
    /** Side-by-side rows so far: odd ones measure the peer first. */
    private int sideBySideRows;

    MeasuredRows(Report report) {
        this.report = report;
    }

    /** The 1-minute load average: the machine is shared, so every figure says how busy it was. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * Unmeasured streams first, in rounds (per transport: 300 saturating streams x 300 tokens, then 1,000 paced ones x
     * 40 tokens), until the relay's JIT compilers took under a tenth of its CPU in a round, at most {@code maxRounds}
     * ({@code --warm-up-rounds}, default 6). With a single saturating round, both relays' compiler threads still used
     * about a quarter of their CPU during the measured paced row (per-thread /proc figures, 2026-11-30), which
     * measures the JIT rather than the relay. Returns what the report says about it.
     */
    static String warmUp(RelayProcess relay, int port, List<LoadClient.Wire> wires, int maxRounds) throws IOException {
        double share = 1;
        int round = 0;
        while (round < maxRounds && share >= 0.10) {
            round++;
            long cpu0 = relay.cpuMicros();
            long jit0 = relay.compilerMicros();
            for (LoadClient.Wire wire : wires) {
                new LoadClient(new LoadClient.Plan(wire, port, 300, 300, 0, 5, true, 2000, 60_000)).run();
                new LoadClient(new LoadClient.Plan(wire, port, 1000, 40, 20, 40, true, 2000, 60_000)).run();
            }
            share = (double) (relay.compilerMicros() - jit0) / Math.max(1, relay.cpuMicros() - cpu0);
        }
        return String.format(Locale.ROOT, "%s: %d warm-up rounds, JIT compilers %.0f%% of its CPU in the last",
                relay.name(), round, share * 100);
    }

    /** After the rows: each row's share of the relay's CPU that went to the JIT compilers. */
    String compilerShares() {
        return "JIT compilers' share of the relay's CPU in each row: " + String.join("; ", compilerShares);
    }

    /**
     * StreamRelay and the peer on the same load, then one line comparing them. Which one goes first alternates from
     * row to row: in an A/A run (the same WAR twice) the relay measured first spent about 14% more CPU per token, so a
     * fixed order would tilt every ratio the same way.
     */
    void sideBySide(String scenario, RelayProcess relay, int port, RelayProcess peer, int peerPort,
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
        report.comparison(scenario, wire, ours, theirs, peerFirst ? peer.name() : "StreamRelay");
    }

    /** One row; {@code relay} null for the direct rows (the client reading the simulator). */
    Measured measure(String scenario, RelayProcess relay, int port, LoadClient.Wire wire, int streams,
                     int tokens, int minGap, int maxGap) throws Exception {
        long cpu0 = relay == null ? 0 : relay.cpuMicros();
        long jit0 = relay == null ? 0 : relay.compilerMicros();
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
        if (relay != null) {
            compilerShares.add(String.format(Locale.ROOT, "%s %s %s %.0f%%", scenario,
                    wire.name().toLowerCase(Locale.ROOT), relay.name(),
                    100.0 * (relay.compilerMicros() - jit0) / Math.max(1, cpu)));
        }
        String load = loadAverage();
        report.row(scenario, wire, streams, result, relay, cpu, wallMicros, load);
        return new Measured(result, cpu, load);
    }
}
