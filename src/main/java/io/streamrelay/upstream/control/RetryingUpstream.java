package io.streamrelay.upstream.control;

import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The configured upstream with its resilience: a failure before the first token is retried (429 honouring
 * Retry-After, 500, 502, 503, 504, a connection that failed or broke), then handed to the fallback upstream if one
 * is configured; once a token has gone out nothing is retried, since the client already holds part of the answer.
 */
@ApplicationScoped
@Typed(RetryingUpstream.class)
public class RetryingUpstream implements Upstream {

    @Inject
    OpenAiUpstream client;

    @Inject
    UpstreamSettings settings;

    @Inject
    RelayThreads threads;

    @Override
    public String modelFor(ChatRequest request) {
        return client.modelFor(settings.primary(), request);
    }

    @Override
    public UpstreamCall open(ChatRequest request, Consumer<UpstreamEvent> events) {
        List<UpstreamSettings.Endpoint> endpoints = new ArrayList<>();
        endpoints.add(settings.primary());
        settings.fallback().ifPresent(endpoints::add);
        UpstreamAttempts attempts = new UpstreamAttempts(client, request, events, endpoints, settings.retry(),
                threads.timers());
        attempts.start();
        return attempts::cancel;
    }
}
