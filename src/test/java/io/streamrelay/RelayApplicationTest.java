package io.streamrelay;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.ext.Provider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application lists its classes instead of being scanned: nothing annotated may be left out. */
class RelayApplicationTest {

    @Test
    void everyResourceAndProviderOfTheWarIsRegisteredAndTheJsonProviderToo() throws Exception {
        Set<String> annotated = new TreeSet<>();
        var root = Paths.get(RelayApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            for (String name : files.map(f -> root.relativize(f).toString()).filter(f -> f.endsWith(".class"))
                    .map(f -> f.substring(0, f.length() - 6).replace('/', '.')).toList()) {
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (type.isAnnotationPresent(Path.class) || type.isAnnotationPresent(Provider.class)) {
                    annotated.add(name);
                }
            }
        }
        Set<String> registered = new RelayApplication().getClasses().stream().map(Class::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(annotated.size() >= 4, annotated.toString());
        assertTrue(registered.containsAll(annotated), "not registered: " + annotated);
        assertTrue(registered.contains("io.streamrelay.json.boundary.RelayJsonProvider"), registered.toString());
        // Jersey's SSE is on the test classpath (as on Payara): its event writer is registered, unannotated.
        assertTrue(registered.contains("io.streamrelay.completions.boundary.SseFrames"), registered.toString());
        assertEquals("api", RelayApplication.class.getAnnotation(jakarta.ws.rs.ApplicationPath.class).value());
    }
}
