package io.streamrelay.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A relay under test as its own process (StreamRelay as the run command starts it, or a peer): Payara Micro with the WAR and the server-config, as its own process,
 * so that /proc tells its CPU time, memory and threads apart from the simulator's and the client's.
 */
final class RelayProcess implements Closeable {

    private static final long TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
    private final Process process;
    private final Path log;
    private final String name;
    private long readyMillis;
    private volatile boolean sampling;
    private volatile long peakRssKb;
    private volatile int peakThreads;
    private Thread sampler;

    /** StreamRelay: Payara Micro with the WAR, exactly as the run command starts it. */
    static RelayProcess payara(String name, Path java, Path micro, Path war, Path preboot, int port, Map<String, String> env,
                               List<String> jvmOptions, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", micro.toString(), "--rootdir", log.toAbsolutePath().getParent()
                        .resolve("payara-micro-root-" + name).toString(), "--deploy", war.toString(), "--contextroot", "/",
                "--port", String.valueOf(port), "--disablephonehome", "--nohazelcast",
                "--prebootcommandfile", preboot.toString()));
        RelayProcess relay = new RelayProcess(name, command, env, log, " ready in ");
        // Payara Micro reports ready even when the deployment failed.
        if (Files.readString(log).contains("Exception during lifecycle processing")) {
            relay.close();
            throw new IllegalStateException("the WAR did not deploy; see " + log);
        }
        return relay;
    }

    /**
     * The Spring WebFlux peer (its README: {@code java -jar spring-relay.jar --server.port=...
     * --upstream.url=...}), on the same JDK and with the same JVM options as the relay, Payara's own excepted.
     */
    static RelayProcess spring(Path java, Path jar, int port, String upstreamUrl, List<String> jvmOptions, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        jvmOptions.stream().filter(o -> !o.startsWith("-Dfish.payara") && !o.startsWith("-XX:StartFlightRecording"))
                .forEach(command::add);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port,
                "--upstream.url=" + upstreamUrl, "--upstream.model=sim"));
        return new RelayProcess("Spring", command, Map.of(), log, "Netty started on port");
    }

    private RelayProcess(String name, List<String> command, Map<String, String> env, Path log, String readyMarker)
            throws IOException, InterruptedException {
        this.log = log;
        this.name = name;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_"));
        builder.environment().putAll(env);
        long started = System.nanoTime();
        process = builder.start();
        long deadline = started + TimeUnit.SECONDS.toNanos(300);
        while (!Files.readString(log).contains(readyMarker)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("the relay did not start; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** How the tables call it: StreamRelay, Spring, or the name given to a second StreamRelay. */
    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** From the process start until its log said it was ready (polled every 100 ms). */
    long bootMillis() {
        return readyMillis;
    }

    /** utime + stime of the relay process, in microseconds. */
    long cpuMicros() throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"))) * 1_000_000
                / TICKS_PER_SECOND;
    }

    /** utime + stime from a /proc stat line (a process's or a thread's), in clock ticks. */
    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * CPU of the JVM's JIT compiler threads ({@code C1 CompilerThre}, {@code C2 CompilerThre} in /proc), in
     * microseconds: the part of {@link #cpuMicros()} that a longer-running relay would no longer pay.
     */
    long compilerMicros() throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        ticks += cpuTicks(stat);
                    }
                } catch (IOException threadEnded) {
                    // A compiler thread the JVM retired between the listing and the read.
                }
            }
        }
        return ticks * 1_000_000 / TICKS_PER_SECOND;
    }

    long statusKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /** Samples RSS and threads every 200 ms until {@link #stopSampling()}. */
    void startSampling() {
        peakRssKb = 0;
        peakThreads = 0;
        sampling = true;
        sampler = new Thread(() -> {
            while (sampling) {
                try {
                    peakRssKb = Math.max(peakRssKb, statusKb("VmRSS"));
                    peakThreads = Math.max(peakThreads, (int) statusKb("Threads"));
                    TimeUnit.MILLISECONDS.sleep(200);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "relay-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    void stopSampling() throws InterruptedException {
        sampling = false;
        sampler.join();
    }

    long peakRssKb() {
        return peakRssKb;
    }

    int peakThreads() {
        return peakThreads;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
