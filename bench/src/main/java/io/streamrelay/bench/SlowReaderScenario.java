package io.streamrelay.bench;

import java.util.Locale;

/**
 * Scenario d: one slow reader asking for many fast tokens while the paced streams run, to show that the relay
 * neither slows the others down for it nor holds its backlog without bound (the note gives RSS before and after).
 */
final class SlowReaderScenario {

    private SlowReaderScenario() {
    }

    static void run(MeasuredRows rows, Report report, RelayProcess relay, int port, LoadClient.Wire wire, int streams)
            throws Exception {
        if (wire == LoadClient.Wire.V1) {
            return; // SlowReader speaks the native request; /v1's writer is the NDJSON one's
        }
        String path = wire == LoadClient.Wire.SSE ? "/api/chat" : "/ndjson/chat";
        SlowReader slow = new SlowReader(port, path, 50_000, 200, 1024, 60_000);
        Thread thread = new Thread(slow, "slow-reader");
        thread.setDaemon(true);
        long rssBefore = relay.statusKb("VmRSS");
        thread.start();
        LoadClient.Result result = rows.measure("d slow reader", relay, port, wire, streams, 200, 20, 40).result();
        long rssAfter = relay.statusKb("VmRSS");
        thread.join(70_000);
        report.note(String.format(Locale.ROOT, "d %s: the slow reader (4 KiB receive buffer, 1 KiB per 200 ms, "
                        + "asked for 50,000 tokens at 0-1 ms) was %s; relay RSS %d MB before, %d MB after the "
                        + "other %d streams; their p99 %.2f ms",
                wire.name().toLowerCase(Locale.ROOT), slow.outcome, rssBefore / 1024, rssAfter / 1024, streams,
                result.latency.ms(0.99)));
    }
}
