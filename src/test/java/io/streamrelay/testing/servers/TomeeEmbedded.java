package io.streamrelay.testing.servers;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * TomEE 10 embedded (10.0.0-M2: CXF for JAX-RS, OpenWebBeans for CDI, no MicroProfile), from the classpath that
 * server-config/tomee/pom.xml resolves into target/servers/tomee/lib. It unpacks the WAR beside the file, so it
 * gets a fresh copy; after a failed deployment it keeps running and answers 404, which {@link #start} reports.
 */
public final class TomeeEmbedded implements ServerUnderTest {

    private Process process;

    @Override
    public String name() {
        return "tomee-10";
    }

    @Override
    public URL start(Path war, Map<String, String> environment) throws Exception {
        Path home = ServerUnderTest.home().resolve("tomee");
        Path lib = home.resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("no TomEE classpath in " + lib + " (mvn pre-integration-test makes it)");
        }
        Path deploy = home.resolve("deploy");
        Files.createDirectories(deploy);
        try (var old = Files.walk(deploy)) {
            old.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(deploy)).forEach(p -> p.toFile()
                    .delete());
        }
        Path copy = Files.copy(war, deploy.resolve("streamrelay.war"), StandardCopyOption.REPLACE_EXISTING);
        Path log = ServerUnderTest.home().resolve(name() + ".log");
        int port = ServerProcess.freePort();
        process = ServerProcess.start(List.of(ServerProcess.currentJava().toString(), "-Xmx1g",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2", // as docs/deploy.md says
                "-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")),
                "-cp", lib + "/*", "org.apache.tomee.embedded.Main", "--path", copy.toString(), "--context", "/",
                "--port", String.valueOf(port), "--configuration-location",
                Path.of("server-config/tomee/embedded.properties").toAbsolutePath().toString()), home, log, environment);
        URL base = URI.create("http://localhost:" + port + "/").toURL();
        ServerProcess.awaitPage(base, process, log);
        return base;
    }

    @Override
    public void stop() {
        ServerProcess.stop(process);
    }
}
