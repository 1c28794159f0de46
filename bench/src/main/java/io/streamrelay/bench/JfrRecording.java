package io.streamrelay.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * With {@code --jfr PREFIX}: a JFR recording (settings=profile) of each relay from after its warm-up to the end
 * of its measured rows, so that boot and warm-up stay out of the profile: PREFIX.&lt;relay name&gt;.jfr. Through
 * jcmd, since a recording asked for by a JVM option would begin at boot.
 */
final class JfrRecording {

    private JfrRecording() {
    }

    static void start(BenchOptions options, Path java, RelayProcess relay) throws IOException, InterruptedException {
        if (!options.has("jfr") || relay == null) {
            return;
        }
        jcmd(java, relay, List.of("JFR.start", "name=bench", "settings=profile"));
    }

    static void stop(BenchOptions options, Report report, Path java, RelayProcess relay)
            throws IOException, InterruptedException {
        if (!options.has("jfr") || relay == null) {
            return;
        }
        String file = options.get("jfr", "") + "." + relay.name() + ".jfr";
        jcmd(java, relay, List.of("JFR.stop", "name=bench", "filename=" + Path.of(file).toAbsolutePath()));
        report.note("JFR recording of " + relay.name() + "'s measured rows: " + file);
    }

    private static void jcmd(Path java, RelayProcess relay, List<String> arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java.resolveSibling("jcmd").toString(),
                String.valueOf(relay.pid())));
        command.addAll(arguments);
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
