package io.streamrelay.operations.control;

import io.streamrelay.upstream.control.UpstreamSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.Locale;

/**
 * {@code gen_ai.provider.name} for each upstream endpoint, from its host: the conventions' well-known names
 * (deepseek, openai, ...) where the host says so, the host itself otherwise, and {@code offline} for the built-in
 * model.
 */
@ApplicationScoped
public class ProviderNames {

    static final String OFFLINE = "offline";

    @Inject
    UpstreamSettings settings;

    private String primary;
    private String fallback;

    @PostConstruct
    void name() {
        primary = settings.configured() ? of(settings.primary().completions()) : OFFLINE;
        fallback = settings.fallback().map(f -> of(f.completions())).orElse(primary);
    }

    /** The provider behind an attempt's endpoint ({@code primary}, {@code fallback}); null: the primary. */
    public String of(String endpoint) {
        return "fallback".equals(endpoint) ? fallback : primary;
    }

    public boolean offline() {
        return OFFLINE.equals(primary);
    }

    static String of(URI uri) {
        String host = uri.getHost() == null ? "unknown" : uri.getHost().toLowerCase(Locale.ROOT);
        for (String known : new String[]{"deepseek", "openai", "anthropic", "mistral", "groq", "azure", "cohere",
                "perplexity", "x.ai"}) {
            if (host.contains(known)) {
                return known.equals("x.ai") ? "x_ai" : known.equals("azure") ? "azure.ai.openai" : known;
            }
        }
        return host;
    }
}
