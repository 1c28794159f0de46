package io.streamrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Every response the ITs receive through {@link StreamClient}, headers and body, appended to one file, so that
 * {@code SecretsIT} can prove after the whole suite that no secret ever reached a client.
 */
public final class Captured {

    private Captured() {
    }

    public static Path file() {
        return Path.of(System.getProperty("relay.it.captured", "target/it-captured/responses.txt"));
    }

    static synchronized void append(String response) {
        try {
            Path file = file();
            Files.createDirectories(file.getParent());
            Files.writeString(file, response + "\n\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
