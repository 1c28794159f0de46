package io.streamrelay.admission.control;

import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Keys, limits and CORS; defaults live in META-INF/microprofile-config.properties. 0 turns a limit off. */
@ApplicationScoped
public class AdmissionSettings {

    Optional<String> keys;
    Optional<String> keysFile;
    int requestsPerMinute;
    int streamsPerClient;
    int streamsTotal;
    int tokensPerMinute;
    Optional<String> corsOrigins;

    /** Reads every setting once, at startup (MicroProfile Config or its fallback: see Settings). */
    @PostConstruct
    void read() {
        Settings settings = Settings.current();
        keys = settings.optional("relay.keys");
        keysFile = settings.optional("relay.keys-file");
        requestsPerMinute = settings.integer("relay.limit.requests-per-minute");
        streamsPerClient = settings.integer("relay.limit.streams-per-client");
        streamsTotal = settings.integer("relay.limit.streams-total");
        tokensPerMinute = settings.integer("relay.limit.tokens-per-minute");
        corsOrigins = settings.optional("relay.cors.origins");
    }

    public Optional<String> keys() {
        return keys.filter(k -> !k.isBlank());
    }

    public Optional<String> keysFile() {
        return keysFile.filter(k -> !k.isBlank());
    }

    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    public int streamsPerClient() {
        return streamsPerClient;
    }

    public int streamsTotal() {
        return streamsTotal;
    }

    public int tokensPerMinute() {
        return tokensPerMinute;
    }

    /** Origins as browsers send them ({@code https://portal.example.com}), without a trailing slash. */
    public List<String> corsOrigins() {
        return corsOrigins.map(list -> Arrays.stream(list.split(","))
                .map(String::strip)
                .map(origin -> origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin)
                .filter(origin -> !origin.isEmpty())
                .toList()).orElse(List.of());
    }
}
