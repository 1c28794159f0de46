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

    @Inject
    @ConfigProperty(name = "relay.fallback.url")
    Optional<String> fallbackUrl;

    @Inject
    @ConfigProperty(name = "relay.fallback.api-key")
    Optional<String> fallbackApiKey;

    @Inject
    @ConfigProperty(name = "relay.fallback.model")
    Optional<String> fallbackModel;

    @Inject
    @ConfigProperty(name = "relay.upstream.retry.max-attempts")
    int retryMaxAttempts;

    @Inject
    @ConfigProperty(name = "relay.upstream.retry.budget-ms")
    long retryBudgetMs;

    @Inject
    @ConfigProperty(name = "relay.upstream.retry.backoff-ms")
    long retryBackoffMs;

    @Inject
    @ConfigProperty(name = "relay.upstream.retry.max-retry-after-ms")
    long retryMaxRetryAfterMs;

    /** With neither a URL nor a key there is nothing to call: the offline model answers instead. */
    public boolean configured() {
        return url.filter(u -> !u.isBlank()).isPresent() || apiKey.filter(k -> !k.isBlank()).isPresent();
    }

    public URI completionsUri() {
        return completions(url.filter(u -> !u.isBlank()).orElse(DEFAULT_URL));
    }

    private static URI completions(String baseUrl) {
        String base = baseUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/chat/completions");
    }

    /** The configured upstream, as the retry loop sees it. */
    public Endpoint primary() {
        return new Endpoint("primary", completionsUri(), apiKey(), null);
    }

    /** The fallback upstream, tried when the primary has failed before any token; none without its URL. */
    public Optional<Endpoint> fallback() {
        return fallbackUrl.filter(u -> !u.isBlank()).map(u -> new Endpoint("fallback", completions(u),
                fallbackApiKey.map(String::strip).filter(k -> !k.isEmpty()).orElse(null),
                fallbackModel.map(String::strip).filter(m -> !m.isEmpty()).orElse(null)));
    }

    public Retry retry() {
        return new Retry(Math.max(1, retryMaxAttempts), retryBudgetMs, retryBackoffMs, retryMaxRetryAfterMs);
    }

    /**
     * One OpenAI-compatible upstream. {@code model} replaces the requested one (a fallback serves its own model);
     * null keeps it.
     */
    public record Endpoint(String name, URI completions, String apiKey, String model) {
        @Override
        public String toString() {
            // Never the key: endpoints end up in log lines.
            return name + " " + completions;
        }
    }

    /**
     * Attempts per upstream, the time after the first attempt within which another may start, the first backoff
     * (doubled after each failure, jittered), and the longest Retry-After the relay will wait for.
     */
    public record Retry(int maxAttempts, long budgetMs, long backoffMs, long maxRetryAfterMs) {
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
