package io.streamrelay.testing.servers;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Payara Micro from its jar: 6 on the test JDK (17), 7 on a JDK 21+ ({@link Jdks#atLeast}). Started as the run
 * command starts it, with the product's pre-boot commands plus forced compression (the streams must refuse it).
 */
public final class PayaraMicro implements ServerUnderTest {

    private final String name;
    private final Path jar;
    private final Supplier<Path> launcher;
    private Process process;

    private PayaraMicro(String name, Path jar, Supplier<Path> java) {
        this.name = name;
        this.jar = jar;
        this.launcher = java;
    }

    public static PayaraMicro six() {
        return new PayaraMicro("payara-micro-6", Path.of(System.getProperty("payara.microJar",
                "target/payara-micro.jar")), ServerProcess::currentJava);
    }

    public static PayaraMicro seven() {
        return new PayaraMicro("payara-micro-7", Path.of(System.getProperty("relay.it.payaraMicro7",
                "target/payara-micro-7.jar")), () -> Jdks.atLeast(21));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URL start(Path war, Map<String, String> environment) throws Exception {
        Path home = ServerUnderTest.home().resolve(name);
        Path log = ServerUnderTest.home().resolve(name + ".log");
        // A fresh root directory: one left by an earlier run still lists the WAR in its domain.xml, so Payara Micro
        // loaded that copy and then undeployed it for --deploy's, answering 500 and then 404 (seen on the second run).
        Path root = home.resolve("root");
        if (java.nio.file.Files.exists(root)) {
            try (var old = java.nio.file.Files.walk(root)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        java.nio.file.Files.createDirectories(home);
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(launcher.get().toString(), "-Xmx1g", "-jar",
                jar.toAbsolutePath().toString(), "--deploy", war.toAbsolutePath().toString(), "--contextroot", "/",
                "--port", String.valueOf(port), "--nocluster", "--disablephonehome",
                "--rootdir", root.toString()));
        Path preBoot = Path.of(System.getProperty("relay.it.preBoot", "target/it-pre-boot.asadmin"));
        command.add("--prebootcommandfile");
        command.add(preBoot.toAbsolutePath().toString());
        long from = ServerProcess.size(log);
        process = ServerProcess.start(command, home, log, environment);
        URL base = URI.create("http://localhost:" + port + "/").toURL();
        // Printed once the deployment has completed.
        ServerProcess.awaitPage(base, process, log, "Payara Micro URLs:", from);
        return base;
    }

    @Override
    public void stop() {
        ServerProcess.stop(process);
    }
}
