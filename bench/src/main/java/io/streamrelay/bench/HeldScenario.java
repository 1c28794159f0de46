package io.streamrelay.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario c: many streams held open from the offline model at 1 token/s, one fresh relay per transport, so that the
 * figure is the cost of holding streams and of their timers rather than of relaying an upstream.
 */
final class HeldScenario {

    private HeldScenario() {
    }

    static void run(BenchOptions options, Report report, Path java, Path micro, Path war, Path preboot,
                    List<String> jvm, Path work, List<LoadClient.Wire> wires) throws Exception {
        int held = options.getInt("held", 10_000);
        int tokens = options.getInt("held-tokens", 45);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RELAY_DEMO_TOKEN_INTERVAL_MS", "1000");
        // A ping 700 ms after each token: every stream then shows whether its heartbeat timer fires on time.
        env.put("RELAY_HEARTBEAT_MS", "700");
        env.put("RELAY_HEARTBEAT_PROBES", "0");
        RelayLaunch.noLimits(env);
        for (LoadClient.Wire wire : wires) {
            int port = RelayLaunch.freePort();
            try (RelayProcess relay = RelayProcess.payara("StreamRelay", java, micro, war, preboot, port, env, jvm,
                    work.resolve("relay-held-" + wire.name().toLowerCase(Locale.ROOT) + ".log"))) {
                long cpu0 = relay.cpuMicros();
                relay.startSampling();
                long wall0 = System.nanoTime();
                LoadClient.Result result = new LoadClient(new LoadClient.Plan(wire, port, held, tokens, 0, 0, false,
                        1000, 240_000)).run();
                long wallMicros = (System.nanoTime() - wall0) / 1000;
                relay.stopSampling();
                report.row("c held (offline model, 1 token/s)", wire, held, result, relay, relay.cpuMicros() - cpu0,
                        wallMicros, MeasuredRows.loadAverage());
                report.note(String.format(Locale.ROOT, "c %s: %d streams held open ~%d s each; heartbeat 700 ms "
                                + "after each token: ping gap p50 %.0f / p99 %.0f / max %.0f ms (%d pings); "
                                + "token gap p50 %.0f / p99 %.0f ms (paced 1000)",
                        wire.name().toLowerCase(Locale.ROOT), held, tokens, result.pingGap.ms(0.5),
                        result.pingGap.ms(0.99), result.pingGap.ms(1.0), result.pingGap.size(),
                        result.tokenGap.ms(0.5), result.tokenGap.ms(0.99)));
            }
        }
    }
}
