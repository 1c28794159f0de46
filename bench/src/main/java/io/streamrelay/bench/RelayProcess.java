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
 * The relay as the run command starts it: Payara Micro with the WAR and the server-config, as its own process,
 * so that /proc tells its CPU time, memory and threads apart from the simulator's and the client's.
 */
final class RelayProcess implements Closeable {

    private static final long TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
    private final Process process;
    private final Path log;
    private volatile boolean sampling;
    private volatile long peakRssKb;
    private volatile int peakThreads;
    private Thread sampler;

    RelayProcess(Path micro, Path war, Path preboot, int port, Map<String, String> env, List<String> jvmOptions,
                 Path log) throws IOException, InterruptedException {
        this.log = log;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", micro.toString(), "--rootdir", log.toAbsolutePath().getParent()
                        .resolve("payara-micro-root").toString(), "--deploy", war.toString(), "--contextroot", "/",
                "--port", String.valueOf(port), "--disablephonehome", "--nocluster",
                "--prebootcommandfile", preboot.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("RELAY_"));
        builder.environment().putAll(env);
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains(" ready in ")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the relay did not start; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        // Payara Micro reports ready even when the deployment failed.
        if (Files.readString(log).contains("Exception during lifecycle processing")) {
            close();
            throw new IllegalStateException("the WAR did not deploy; see " + log);
        }
    }

    long pid() {
        return process.pid();
    }

    String bootSeconds() throws IOException {
        String text = Files.readString(log);
        int at = text.indexOf(" ready in ");
        return text.substring(at + 10, text.indexOf(" (ms)", at)).replace(",", "");
    }

    /** utime + stime of the relay process, in microseconds. */
    long cpuMicros() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
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
