package io.streamrelay.testing.servers;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Payara Server 6 (the full distribution, unpacked by Maven into target/servers/payara-server/payara6): a domain
 * of its own under target/, started with the relay's environment (the domain's JVM inherits it from start-domain),
 * the commands of server-config/payara-server/domain.asadmin applied, then {@code asadmin deploy}, as
 * docs/deploy.md tells an operator to do, less the restart.
 */
public final class PayaraServer implements ServerUnderTest {

    private static final String DOMAIN = "relay";
    private Path asadmin;
    private Path domains;
    private Path log;
    private Map<String, String> environment;
    private int adminPort;

    @Override
    public String name() {
        return "payara-server-6";
    }

    @Override
    public URL start(Path war, Map<String, String> environment) throws Exception {
        Path home = ServerUnderTest.home().resolve("payara-server");
        asadmin = home.resolve("payara6/bin/asadmin");
        if (!Files.isRegularFile(asadmin)) {
            throw new IllegalStateException("no Payara Server in " + home + " (mvn pre-integration-test unpacks it)");
        }
        asadmin.toFile().setExecutable(true);
        home.resolve("payara6/glassfish/bin/asadmin").toFile().setExecutable(true);
        domains = home.resolve("domains");
        log = ServerUnderTest.home().resolve(name() + ".log");
        this.environment = new java.util.HashMap<>(environment);
        // asadmin's script takes the JDK from AS_JAVA: the one running the tests.
        this.environment.put("AS_JAVA", Path.of(System.getProperty("java.home")).toString());
        deleteTree(domains);
        int base = freePortBase();
        adminPort = base + 48;
        asadmin("create-domain", "--domaindir", domains.toString(), "--portbase", String.valueOf(base),
                "--nopassword=true", DOMAIN);
        asadmin("start-domain", "--domaindir", domains.toString(), DOMAIN);
        Path commands = Path.of(System.getProperty("relay.it.payaraServerCommands",
                "server-config/payara-server/domain.asadmin")).toAbsolutePath();
        asadmin("--port", String.valueOf(adminPort), "multimode", "--file", commands.toString());
        // No restart-domain (docs/deploy.md has one): every listener and thread-pool setting applies at once, and a
        // second boot would cost the build a minute; only the heap and Hazelcast wait for a restart.
        asadmin("--port", String.valueOf(adminPort), "deploy", "--contextroot", "/", "--name", "streamrelay",
                war.toAbsolutePath().toString());
        URL url = URI.create("http://localhost:" + (base + 80) + "/").toURL();
        ServerProcess.awaitPage(url, null, log);
        return url;
    }

    private void asadmin(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(asadmin.toString()));
        command.addAll(List.of(arguments));
        ServerProcess.run(command, asadmin.getParent(), log, environment);
    }

    /** The domain's server.log: asadmin's own output goes to target/servers/payara-server-6.log. */
    @Override
    public Path log() {
        return domains.resolve(DOMAIN).resolve("logs/server.log");
    }

    @Override
    public void stop() {
        try {
            asadmin("stop-domain", "--domaindir", domains.toString(), DOMAIN);
        } catch (Exception e) {
            System.err.println("stop-domain failed: " + e.getMessage());
        }
    }

    /** Offsets from --portbase of every port a domain opens (admin, HTTP, HTTPS, IIOP, JMS, JMX, OSGi, Hazelcast…). */
    private static final int[] OFFSETS = {9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86};

    /** A port base whose every port is free now (other builds on this machine hold ports too). */
    private static int freePortBase() {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + random.nextInt(400) * 100;
            boolean free = true;
            for (int offset : OFFSETS) {
                try (java.net.ServerSocket probe = new java.net.ServerSocket(base + offset)) {
                    probe.setReuseAddress(true);
                } catch (java.io.IOException taken) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free port base for a Payara Server domain");
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
