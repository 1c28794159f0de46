package io.streamrelay.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Follows one StreamRelay generation over NDJSON with the JDK's HttpClient and returns its whole text. Each line
 * carries its {@code seq}; when the connection breaks, it asks again with {@code ?after=<last seq>} and gets only
 * what it missed. It ends at the terminal line ({@code done} or {@code error}), or at 204 (nothing after the
 * cursor: the answer was complete).
 */
public final class NdjsonFollower {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS_WITHOUT_PROGRESS = 5;

    /**
     * The generation's text; throws GenerationFailed for an {@code error} line, IOException for a refusal (404
     * unknown or expired generation, 400 bad cursor) or after 5 failed attempts in a row without a new line.
     */
    public static String follow(HttpClient http, URI relay, String generation)
            throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        long after = -1; // no cursor yet: from the start
        int failures = 0;
        while (true) {
            URI uri = relay.resolve("ndjson/generations/" + generation + (after < 0 ? "" : "?after=" + after));
            long before = after;
            try {
                HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() == 204) { // nothing after the cursor: the answer is complete
                    return text.toString();
                }
                if (response.statusCode() != 200) {
                    throw new Refused(response.statusCode(), String.join("\n", response.body().toList()));
                }
                try (Stream<String> lines = response.body()) {
                    for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                        JsonNode event = parse(it.next());
                        after = event.path("seq").asLong(after); // pings carry no seq
                        switch (event.path("type").asText()) {
                            case "token" -> text.append(event.path("text").asText());
                            case "done" -> {
                                return text.toString();
                            }
                            case "error" -> throw new GenerationFailed(event.toString(), text.toString());
                            default -> { } // start, reasoning, ping
                        }
                    }
                }
            } catch (Refused refused) {
                throw refused;
            } catch (IOException | UncheckedIOException cut) {
                // Refused, broken or cut short: ask again for what came after the last line read.
            }
            failures = after > before ? 0 : failures + 1;
            if (failures >= MAX_ATTEMPTS_WITHOUT_PROGRESS) {
                throw new IOException("no progress after " + failures + " attempts at " + uri);
            }
            Thread.sleep(250L * failures);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException halfALine) {
            throw new UncheckedIOException(halfALine);
        }
    }

    /** The relay refused the follow with this status and problem body: asking again would not help. */
    public static final class Refused extends IOException {
        Refused(int status, String problem) {
            super("HTTP " + status + ": " + problem);
        }
    }

    /** The generation ended with an {@code error} line (its JSON), after {@code partialText}. */
    public static final class GenerationFailed extends RuntimeException {
        public final String partialText;

        GenerationFailed(String error, String partialText) {
            super(error);
            this.partialText = partialText;
        }
    }
}
