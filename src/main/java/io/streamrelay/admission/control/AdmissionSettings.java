package io.streamrelay.admission.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Keys, limits and CORS; defaults live in META-INF/microprofile-config.properties. 0 turns a limit off. */
@ApplicationScoped
public class AdmissionSettings {

    @Inject
    @ConfigProperty(name = "relay.keys")
    Optional<String> keys;

    @Inject
    @ConfigProperty(name = "relay.keys-file")
    Optional<String> keysFile;

    @Inject
    @ConfigProperty(name = "relay.limit.requests-per-minute")
    int requestsPerMinute;

    @Inject
    @ConfigProperty(name = "relay.limit.streams-per-client")
    int streamsPerClient;

    @Inject
    @ConfigProperty(name = "relay.limit.streams-total")
    int streamsTotal;

    @Inject
    @ConfigProperty(name = "relay.limit.tokens-per-minute")
    int tokensPerMinute;

    @Inject
    @ConfigProperty(name = "relay.cors.origins")
    Optional<String> corsOrigins;

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
