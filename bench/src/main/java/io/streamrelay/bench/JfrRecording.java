package io.streamrelay.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * With {@code --jfr PREFIX}: a JFR recording (settings=profile) of each relay from after its warm-up to the end
 * of its measured rows, so that boot and warm-up stay out of the profile: PREFIX.&lt;relay name&gt;.jfr. Through
 * jcmd, since a recording asked for by a JVM option would begin at boot. With {@code --async-profiler LIB} (the
 * path of async-profiler's libasyncProfiler.so, e.g. from Maven Central's tools.profiler:async-profiler jar): its
 * CPU samples every 1 ms over the same span, as collapsed stacks, PREFIX.&lt;relay name&gt;.collapsed (PREFIX from
 * --jfr, else bench/target/profile); JFR's sampler sees only a few threads per period and leaves out native code.
 */
final class JfrRecording {

    private JfrRecording() {
    }

    static void start(BenchOptions options, Path java, RelayProcess relay) throws IOException, InterruptedException {
        if (relay != null && options.has("async-profiler")) {
            jcmd(java, relay, List.of("JVMTI.agent_load", options.get("async-profiler", ""),
                    "\"start,event=cpu,interval=1ms\""));
        }
        if (!options.has("jfr") || relay == null) {
            return;
        }
        jcmd(java, relay, List.of("JFR.start", "name=bench", "settings=profile"));
    }

    static void stop(BenchOptions options, Report report, Path java, RelayProcess relay)
            throws IOException, InterruptedException {
        if (relay != null && options.has("async-profiler")) {
            String file = Path.of(options.get("jfr", "bench/target/profile") + "." + relay.name() + ".collapsed")
                    .toAbsolutePath().toString();
            jcmd(java, relay, List.of("JVMTI.agent_load", options.get("async-profiler", ""),
                    "\"stop,collapsed,file=" + file + "\""));
            report.note("async-profiler CPU samples (collapsed stacks) of " + relay.name() + "'s measured rows: "
                    + file);
        }
        if (!options.has("jfr") || relay == null) {
            return;
        }
        String file = options.get("jfr", "") + "." + relay.name() + ".jfr";
        jcmd(java, relay, List.of("JFR.stop", "name=bench", "filename=" + Path.of(file).toAbsolutePath()));
        report.note("JFR recording of " + relay.name() + "'s measured rows: " + file);
    }

    /** jcmd takes an argument with '=' for one of its own: the agent's options go quoted. */
    private static void jcmd(Path java, RelayProcess relay, List<String> arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java.resolveSibling("jcmd").toString(),
                String.valueOf(relay.pid())));
        command.addAll(arguments);
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
