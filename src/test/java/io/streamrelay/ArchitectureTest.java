package io.streamrelay;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout rules the team keeps (DEVELOPERS.md): components import downwards only, so the graph of imports
 * between components has no cycle, and no class in the main code is over 250 lines.
 */
class ArchitectureTest {

    static final Path MAIN = Path.of("src/main/java/io/streamrelay");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.streamrelay\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void componentsImportEachOtherWithoutACycle() throws IOException {
        Map<String, Set<String>> imports = new TreeMap<>();
        for (Path file : sources()) {
            Path relative = MAIN.relativize(file);
            if (relative.getNameCount() < 2) {
                continue; // the root package wires every component together
            }
            String component = relative.getName(0).toString();
            Matcher imported = IMPORT.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (imported.find()) {
                if (!imported.group(1).equals(component)) {
                    imports.computeIfAbsent(component, c -> new TreeSet<>()).add(imported.group(1));
                }
            }
        }
        assertTrue(imports.containsKey("completions"), "the scan found the components: " + imports);
        for (String component : imports.keySet()) {
            List<String> path = new ArrayList<>();
            assertEquals(List.of(), cycleFrom(component, component, imports, path, new HashSet<>()),
                    "an import cycle through " + component + "; imports: " + imports);
        }
    }

    @Test
    void noMainClassIsOver250Lines() throws IOException {
        Map<String, Integer> over = new TreeMap<>();
        for (Path file : sources()) {
            int lines = Files.readAllLines(file, StandardCharsets.UTF_8).size();
            if (lines > 250) {
                over.put(MAIN.relativize(file).toString(), lines);
            }
        }
        assertEquals(Map.of(), over);
    }

    /** The components on a path from {@code at} back to {@code start}, or an empty list when there is none. */
    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> imports,
                                          List<String> path, Set<String> seen) {
        for (String next : imports.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(at);
                cycle.add(next);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(at);
                List<String> found = cycleFrom(start, next, imports, path, seen);
                path.remove(path.size() - 1);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        return List.of();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<Path> java = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertTrue(java.size() > 50, "the scan found the main sources: " + java.size());
            return java;
        }
    }
}
