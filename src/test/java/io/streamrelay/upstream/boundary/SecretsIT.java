package io.streamrelay.upstream.boundary;

import io.streamrelay.testing.Captured;
import io.streamrelay.testing.Secrets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs after every other IT (its own failsafe execution): neither the servers' logs nor any response the suite
 * received contains an upstream key or a gateway secret. The servers' output is what Arquillian relayed from each
 * Payara Micro process into the failsafe reports ({@code *-output.txt}).
 */
class SecretsIT {

    @Test
    void noSecretInAnyServerLogOrResponse() throws IOException {
        String responses = Files.readString(Captured.file(), StandardCharsets.UTF_8);
        // Not vacuous: the suite's responses are there, among them the upstream's echo of a rejected key, redacted.
        assertTrue(responses.length() > 100_000, "captured responses: " + responses.length() + " chars");
        assertTrue(responses.contains("Incorrect API key provided: [redacted]"), "the 401 echo was captured");

        List<Path> logs = serverLogs();
        StringBuilder log = new StringBuilder();
        for (Path file : logs) {
            log.append(Files.readString(file, StandardCharsets.UTF_8));
        }
        // Not vacuous either: the Payara Micro processes' own lines and the relay's are in these files.
        assertTrue(log.indexOf("Payara Micro") >= 0, "no Payara Micro output in " + logs);
        assertTrue(log.indexOf("relaying to http://127.0.0.1") >= 0, "no relay log line in " + logs);
        // UpstreamFaultsIT's URLs carry a password and a query key: their log lines were written, shown safely.
        assertTrue(log.indexOf("/v1/chat/completions?…") >= 0, "no upstream URL with a query was logged");
        assertTrue(log.indexOf("falling over to fallback http://127.0.0.1") >= 0, "no fall-over line logged");

        List<String> leaks = new ArrayList<>();
        for (String secret : Secrets.all()) {
            if (responses.contains(secret)) {
                leaks.add("response contains " + describe(secret));
            }
            if (log.indexOf(secret) >= 0) {
                leaks.add("server log contains " + describe(secret));
            }
        }
        System.out.println("[figure] secrets checked: " + Secrets.all().size() + " against " + responses.length()
                + " chars of responses and " + log.length() + " chars of server log from " + logs.size()
                + " IT classes");
        assertFalse(!leaks.isEmpty(), String.join("\n", leaks));
    }

    private static List<Path> serverLogs() throws IOException {
        Path reports = Path.of(System.getProperty("relay.it.reports", "target/failsafe-reports"));
        try (Stream<Path> files = Files.list(reports)) {
            return files.filter(f -> f.getFileName().toString().endsWith("IT-output.txt"))
                    .filter(f -> !f.getFileName().toString().contains("SecretsIT"))
                    .sorted().toList();
        }
    }

    /** Which secret, without printing it. */
    private static String describe(String secret) {
        return "the secret starting " + secret.substring(0, Math.min(6, secret.length())) + "…";
    }
}
