package io.streamrelay.problems.entity;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/errors.md's table of wire error codes is rendered from {@link ErrorCode}, so the docs cannot drift from the
 * code; and every code is sent from somewhere in src/main, so the catalogue holds no dead entries.
 */
class ErrorCatalogueTest {

    static final Path DOC = Path.of("docs/errors.md");
    static final String BEGIN = "<!-- error-codes:begin -->";
    static final String END = "<!-- error-codes:end -->";
    static final String REGENERATE = "mvn -o -q test -Dtest=ErrorCatalogueTest -Drelay.docs.write=true";

    /** Codes not yet sent by any code in src/main, each with the reason; none today. */
    static final Set<ErrorCode> NOT_YET_SENT = Set.of();

    @Test
    void theDocsTableIsTheEnumRendered() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, DOC + " lacks the markers " + BEGIN + " … " + END);
        String rendered = render();
        String current = doc.substring(begin + BEGIN.length(), end);
        if (current.equals(rendered)) {
            return;
        }
        if (Boolean.getBoolean("relay.docs.write")) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + rendered + doc.substring(end),
                    StandardCharsets.UTF_8);
            System.out.println(DOC + ": error-code table rewritten from ErrorCode");
            return;
        }
        fail(DOC + "'s error-code table differs from the enum ErrorCode. Regenerate it with\n  " + REGENERATE
                + "\n(rewrites only the block between " + BEGIN + " and " + END + "), then review the diff.");
    }

    @Test
    void everyCodeIsSentFromTheCode() throws IOException {
        String sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.endsWith(Path.of("io/streamrelay/problems/entity/ErrorCode.java")))
                    .map(ErrorCatalogueTest::read)
                    .collect(Collectors.joining("\n"));
        }
        List<ErrorCode> dead = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            boolean used = Pattern.compile("\\b" + code.name() + "\\b").matcher(sources).find();
            if (NOT_YET_SENT.contains(code)) {
                assertTrue(!used, code + " is sent now: take it off NOT_YET_SENT");
            } else if (!used) {
                dead.add(code);
            }
        }
        assertEquals(List.of(), dead, "codes nothing in src/main sends: use them, or remove them from ErrorCode");
    }

    /** The Markdown table, one row per constant in declaration order, with a line break before and after. */
    static String render() {
        StringBuilder table = new StringBuilder("\n| code | HTTP status | retryable | where | meaning |\n")
                .append("|---|---|---|---|---|\n");
        for (ErrorCode code : ErrorCode.values()) {
            table.append("| `").append(code.code()).append("` | ").append(code.status()).append(" | ")
                    .append(code.retryable() ? "yes" : "no").append(" | ").append(where(code.phase())).append(" | ")
                    .append(code.meaning().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    private static String where(ErrorCode.Phase phase) {
        return switch (phase) {
            case REQUEST -> "problem (before a stream)";
            case STREAM -> "`error` event (in a stream)";
            case BOTH -> "either";
        };
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
