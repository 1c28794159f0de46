package io.streamrelay.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for one test class: {@code initdb} in a temporary directory, started on a free
 * loopback port with trust authentication and no fsync, stopped and deleted by {@link #close()}. Debian's binaries
 * ({@code apt-get install postgresql}: {@code /usr/lib/postgresql/<version>/bin}, or {@code -Drelay.it.pgBin=});
 * PostgreSQL refuses to run as root, so as root every command runs as the {@code postgres} user through
 * {@code runuser}.
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String USER = "relay";

    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgres;

    private PostgresCluster(Path bin, Path data, int port, boolean asPostgres) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    public static PostgresCluster start() throws IOException, InterruptedException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        // /tmp, not the build's temp dir: the postgres user must be able to reach it.
        Path data = Files.createTempDirectory(Path.of(System.getProperty("relay.it.pgTmp", "/tmp")), "relay-pg-");
        PostgresCluster cluster = new PostgresCluster(bin, data, freePort(), root);
        if (root) {
            run(List.of("chown", "postgres:", data.toString()), 30);
        }
        cluster.command(60, "initdb", "-D", data.resolve("db").toString(), "-U", USER, "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync");
        cluster.up();
        return cluster;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    /** Starts the (stopped) cluster again on the same port and data. */
    public void up() throws IOException, InterruptedException {
        command(60, "pg_ctl", "-D", data.resolve("db").toString(), "-w", "-t", "50", "-l",
                data.resolve("log").toString(), "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1"
                        + " -c fsync=off -c full_page_writes=off", "start");
    }

    /**
     * Stops it: connected clients are cut at once, as when a database server goes away (a fast shutdown, so what it
     * acknowledged stays: commits are synchronous, only the OS-level fsync is off).
     */
    public void down() throws IOException, InterruptedException {
        command(60, "pg_ctl", "-D", data.resolve("db").toString(), "-w", "-m", "fast", "stop");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            down();
        } catch (IOException alreadyDown) {
            // Nothing to stop.
        }
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private void command(int timeoutSeconds, String program, String... arguments)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if (asPostgres) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.add(bin.resolve(program).toString());
        line.addAll(Arrays.asList(arguments));
        run(line, timeoutSeconds);
    }

    private static void run(List<String> line, int timeoutSeconds) throws IOException, InterruptedException {
        // Into a file, not a pipe: the server pg_ctl starts would hold a pipe open for its whole life.
        File output = File.createTempFile("relay-pg-", ".out");
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + line);
            }
            if (process.exitValue() != 0) {
                throw new IOException(line + " failed (" + process.exitValue() + "): "
                        + Files.readString(output.toPath(), StandardCharsets.UTF_8));
            }
        } finally {
            output.delete();
        }
    }

    private static Path binaries() throws IOException {
        String given = System.getProperty("relay.it.pgBin");
        if (given != null) {
            return Path.of(given);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path found = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (found != null) {
                    return found.resolve("bin");
                }
            }
        }
        throw new IllegalStateException("the ledger's tests need PostgreSQL's server binaries: apt-get install"
                + " postgresql (Debian: /usr/lib/postgresql/<version>/bin), or -Drelay.it.pgBin=<dir with initdb>");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
