package io.streamrelay.upstream.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

@ApplicationScoped
public class UpstreamSettings {

    static final String DEFAULT_URL = "https://api.deepseek.com";

    @Inject
    @ConfigProperty(name = "relay.upstream.url")
    Optional<String> url;

    @Inject
    @ConfigProperty(name = "relay.upstream.api-key")
    Optional<String> apiKey;

    @Inject
    @ConfigProperty(name = "relay.upstream.model")
    String model;

    @Inject
    @ConfigProperty(name = "relay.upstream.stream-options")
    boolean streamOptions;

    @Inject
    @ConfigProperty(name = "relay.upstream.connect-timeout-ms")
    long connectTimeoutMs;

    @Inject
    @ConfigProperty(name = "relay.demo.token-interval-ms")
    long demoTokenIntervalMs;

    /** With neither a URL nor a key there is nothing to call: the offline model answers instead. */
    public boolean configured() {
        return url.filter(u -> !u.isBlank()).isPresent() || apiKey.filter(k -> !k.isBlank()).isPresent();
    }

    public URI completionsUri() {
        String base = url.filter(u -> !u.isBlank()).orElse(DEFAULT_URL).strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/chat/completions");
    }

    public String apiKey() {
        return apiKey.map(String::strip).filter(k -> !k.isEmpty()).orElse(null);
    }

    public String model() {
        return model;
    }

    public boolean streamOptions() {
        return streamOptions;
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(connectTimeoutMs);
    }

    public Duration demoTokenInterval() {
        return Duration.ofMillis(demoTokenIntervalMs);
    }
}
