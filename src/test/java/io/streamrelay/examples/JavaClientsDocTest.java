package io.streamrelay.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/java-clients.md shows each example class exactly as JavaClientsIT runs it, as one whole Java block. */
class JavaClientsDocTest {

    @ParameterizedTest
    @ValueSource(strings = {"SseFollower", "NdjsonFollower"})
    void theDocShowsTheTestedSourceVerbatim(String example) throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/streamrelay/examples", example + ".java"));
        String doc = Files.readString(Path.of("docs/java-clients.md"));
        assertTrue(doc.contains("```java\n" + source + "```\n"),
                "docs/java-clients.md differs from " + example + ".java");
    }
}
