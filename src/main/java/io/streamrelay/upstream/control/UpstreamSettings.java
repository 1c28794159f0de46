package io.streamrelay.upstream.control;

import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class UpstreamSettings {

    static final String DEFAULT_URL = "https://api.deepseek.com";

    Optional<String> url;
    Optional<String> apiKey;
    String model;
    boolean streamOptions;
    long connectTimeoutMs;
    long demoTokenIntervalMs;
    Optional<String> fallbackUrl;
    Optional<String> fallbackApiKey;
    Optional<String> fallbackModel;
    int retryMaxAttempts;
    long retryBudgetMs;
    long retryBackoffMs;
    long retryMaxRetryAfterMs;

    /** Reads every setting once, at startup (MicroProfile Config or its fallback: see Settings). */
    @PostConstruct
    void read() {
        Settings settings = Settings.current();
        url = settings.optional("relay.upstream.url");
        apiKey = settings.optional("relay.upstream.api-key");
        model = settings.text("relay.upstream.model");
        streamOptions = settings.flag("relay.upstream.stream-options");
        connectTimeoutMs = settings.number("relay.upstream.connect-timeout-ms");
        demoTokenIntervalMs = settings.number("relay.demo.token-interval-ms");
        fallbackUrl = settings.optional("relay.fallback.url");
        fallbackApiKey = settings.optional("relay.fallback.api-key");
        fallbackModel = settings.optional("relay.fallback.model");
        retryMaxAttempts = settings.integer("relay.upstream.retry.max-attempts");
        retryBudgetMs = settings.number("relay.upstream.retry.budget-ms");
        retryBackoffMs = settings.number("relay.upstream.retry.backoff-ms");
        retryMaxRetryAfterMs = settings.number("relay.upstream.retry.max-retry-after-ms");
    }

    /** With neither a URL nor a key there is nothing to call: the offline model answers instead. */
    public boolean configured() {
        return url.filter(u -> !u.isBlank()).isPresent() || apiKey.filter(k -> !k.isBlank()).isPresent();
    }

    /** The configured upstream, as the retry loop sees it. */
    public Endpoint primary() {
        UpstreamUrl url = UpstreamUrl.parse(this.url.filter(u -> !u.isBlank()).orElse(DEFAULT_URL));
        return new Endpoint("primary", url.completions(), apiKey(), null, url.userInfo());
    }

    /** The fallback upstream, tried when the primary has failed before any token; none without its URL. */
    public Optional<Endpoint> fallback() {
        return fallbackUrl.filter(u -> !u.isBlank()).map(UpstreamUrl::parse).map(u -> new Endpoint("fallback",
                u.completions(), fallbackApiKey.map(String::strip).filter(k -> !k.isEmpty()).orElse(null),
                fallbackModel.map(String::strip).filter(m -> !m.isEmpty()).orElse(null), u.userInfo()));
    }

    public Retry retry() {
        return new Retry(Math.max(1, retryMaxAttempts), retryBudgetMs, retryBackoffMs, retryMaxRetryAfterMs);
    }

    /**
     * One OpenAI-compatible upstream. {@code completions} never holds user info; {@code model} replaces the
     * requested one (a fallback serves its own model), null keeps it; {@code userInfo} ({@code user:password} from
     * the URL, see {@link UpstreamUrl}) is sent as Basic authentication when there is no {@code apiKey}.
     */
    public record Endpoint(String name, URI completions, String apiKey, String model, String userInfo) {

        public Endpoint(String name, URI completions, String apiKey, String model) {
            this(name, completions, apiKey, model, null);
        }

        /** The Authorization header's value, or null. */
        String authorization() {
            if (apiKey != null) {
                return "Bearer " + apiKey;
            }
            if (userInfo != null) {
                String pair = userInfo.contains(":") ? userInfo : userInfo + ":";
                return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
            }
            return null;
        }

        /** Everything of this endpoint a message or log line must not show. */
        List<String> secrets() {
            List<String> secrets = new ArrayList<>(UpstreamUrl.secrets(completions, userInfo));
            String authorization = authorization();
            if (authorization != null) {
                secrets.add(authorization.substring(authorization.indexOf(' ') + 1));
            }
            return secrets;
        }

        @Override
        public String toString() {
            // Never the key, the user info or the query: endpoints end up in log lines.
            return name + " " + UpstreamUrl.shown(completions);
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
