package io.streamrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the load of one row against a relay and puts the row in the report: the client's figures with the relay's
 * CPU, RSS and threads over the same span. Side-by-side rows run the same load on StreamRelay and on the peer.
 */
final class MeasuredRows {

    private final Report report;
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

    /** Unmeasured streams first, so that the relay's JIT has compiled the paths that the rows then measure. */
    static void warmUp(int port, List<LoadClient.Wire> wires) throws IOException {
        for (LoadClient.Wire wire : wires) {
            new LoadClient(new LoadClient.Plan(wire, port, 300, 300, 0, 5, true, 2000, 60_000)).run();
        }
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
        report.row(scenario, wire, streams, result, relay, cpu, wallMicros, load);
        return new Measured(result, cpu, load);
    }
}
