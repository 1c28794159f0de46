package io.streamrelay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmark prints at the end, in three parts (docs/benchmark.md explains each column): the comparison
 * table, one line per side-by-side row; the detailed table, one line per relay and row; the notes. Collected while
 * the run goes and printed at its end: the comparison table comes first, yet each of its lines is known only once
 * both relays have run that row.
 */
final class Report {

    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> comparisons = new ArrayList<>();

    /** {@code vs}: the comparison's column prefix, "StreamRelay / " and the peer's name. */
    Report(String vs) {
        rows.add("| scenario | relay | transport | streams ok/failed | tokens | tokens/s | added latency p50 / p99 / max ms"
                + " | TTFT p50 / p99 ms | relay CPU µs/token | relay cores | peak RSS MB | peak threads | load avg |");
        rows.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        comparisons.add("| scenario | transport | relay CPU µs/token: " + vs + " / ratio"
                + " | added latency p99 ms: " + vs + " / ratio | TTFT p99 ms: " + vs + " / ratio"
                + " | tokens/s: " + vs + " / ratio | streams ok: " + vs + " | load avg | measured first |");
        comparisons.add("|---|---|---|---|---|---|---|---|---|");
    }

    void note(String note) {
        notes.add(note);
    }

    /** One line of the detailed table; {@code relay} null for the direct rows, which have no relay to measure. */
    void row(String scenario, LoadClient.Wire wire, int streams, LoadClient.Result result,
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

    /** One line of the comparison table: StreamRelay's figures, the peer's, and their ratio. */
    void comparison(String scenario, LoadClient.Wire wire, Measured ours, Measured theirs, String measuredFirst) {
        comparisons.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d / %d | %s, %s | %s |",
                scenario, wire.transport(),
                triple(ours.cpuPerToken(), theirs.cpuPerToken(), "%.1f"),
                triple(ours.result().latency.ms(0.99), theirs.result().latency.ms(0.99), "%.1f"),
                triple(ours.result().ttft.ms(0.99), theirs.result().ttft.ms(0.99), "%.0f"),
                triple(ours.result().tokensPerSecond(), theirs.result().tokensPerSecond(), "%.0f"),
                ours.result().completed, theirs.result().completed, ours.load(), theirs.load(), measuredFirst));
    }

    private static String triple(double ours, double theirs, String format) {
        return String.format(Locale.ROOT, format + " / " + format + " / %.2f", ours, theirs, ours / theirs);
    }

    /** The comparison table only when it has a row beyond its header; StreamRelay alone has none. */
    void print() {
        System.out.println();
        if (comparisons.size() > 2) {
            comparisons.forEach(System.out::println);
            System.out.println();
        }
        rows.forEach(System.out::println);
        System.out.println();
        notes.forEach(n -> System.out.println("- " + n));
    }
}
