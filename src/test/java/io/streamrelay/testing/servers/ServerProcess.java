package io.streamrelay.testing.servers;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starting a server's processes with a log file each, and waiting for the deployed page (generous timeouts). */
final class ServerProcess {

    /** A boot on this shared 2-core machine has taken minutes under load; a slow boot is not a failure. */
    static final long BOOT_SECONDS = 420;

    private ServerProcess() {
    }

    /** Starts {@code command} in {@code dir}, output appended to {@code log}, with {@code environment} added. */
    static Process start(List<String> command, Path dir, Path log, Map<String, String> environment)
            throws IOException {
        Files.createDirectories(log.getParent());
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        // A test JVM that is stopped must not leave a server behind holding its port.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }

    /** Runs a command to its end (asadmin); throws with the log's tail when it fails. */
    static void run(List<String> command, Path dir, Path log, Map<String, String> environment) throws Exception {
        Process process = start(command, dir, log, environment);
        if (!process.waitFor(BOOT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command + "\n" + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + command + "\n" + tail(log));
        }
    }

    /** Waits until GET {@code base}index.html answers 200; fails early with the log's tail if the process died. */
    static void awaitPage(URL base, Process process, Path log) throws Exception {
        awaitPage(base, process, log, null, 0);
    }

    /**
     * Also waits for {@code marker} in the log past {@code from} (its size before the start): Payara Micro serves the
     * page while its deployment may still fail and be rolled back (seen under load), so the page alone is not enough.
     */
    static void awaitPage(URL base, Process process, Path log, String marker, long from) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOOT_SECONDS);
        URL page = URI.create(base + "index.html").toURL();
        long answeredSince = 0;
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the server exited (" + process.exitValue() + ")\n" + tail(log));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) page.openConnection();
                connection.setConnectTimeout(2000);
                connection.setReadTimeout(10000);
                int status = connection.getResponseCode();
                if (status == 200 && (marker == null || logSince(log, from).contains(marker))) {
                    return;
                }
                connection.disconnect();
                // Listening but no page: TomEE after a failed deployment answers 404 for ever.
                answeredSince = answeredSince == 0 ? System.nanoTime() : answeredSince;
                if (System.nanoTime() - answeredSince > TimeUnit.SECONDS.toNanos(90)) {
                    throw new IllegalStateException("the server answers " + status + " but the WAR is not deployed\n"
                            + tail(log));
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no page at " + page + " after " + BOOT_SECONDS + " s\n" + tail(log));
    }

    static long size(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    private static String logSince(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.min(from, all.length);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The java launcher of the JDK running the tests. */
    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
