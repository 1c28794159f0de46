package io.streamrelay.testing.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Finding a JDK of a given version for a server that needs a newer Java than the build's (Payara Micro 7). */
final class Jdks {

    private Jdks() {
    }

    /**
     * The java launcher of a JDK whose major version is at least {@code major}: -Drelay.it.jdk21 (a JDK's home)
     * if given, else the Temurin 25 of the machine image, else any such JDK under /usr/lib/jvm. Throws
     * IllegalStateException saying what to install when there is none.
     */
    static Path atLeast(int major) {
        String given = System.getProperty("relay.it.jdk21", "");
        List<Path> candidates = new java.util.ArrayList<>();
        if (!given.isBlank()) {
            candidates.add(Path.of(given));
        }
        candidates.add(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"));
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            jvms.sorted().forEach(candidates::add);
        } catch (IOException none) {
            // no /usr/lib/jvm: only the given one
        }
        for (Path home : candidates) {
            Path java = home.resolve("bin/java");
            if (Files.isExecutable(java) && major(home) >= major) {
                return java;
            }
        }
        throw new IllegalStateException("Payara Micro 7 needs Java " + major + "+: none found in " + candidates
                + " (install temurin-25-jdk or openjdk-21-jdk-headless, or pass -Drelay.it.jdk21=<JDK home>)");
    }

    private static int major(Path home) {
        Properties release = new Properties();
        try (var in = Files.newInputStream(home.resolve("release"))) {
            release.load(in);
        } catch (IOException unknown) {
            return 0;
        }
        String version = release.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
        try {
            return Integer.parseInt(version.split("[.+-]")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
