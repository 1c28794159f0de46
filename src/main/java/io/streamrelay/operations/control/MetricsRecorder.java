package io.streamrelay.operations.control;

import io.streamrelay.admission.entity.LimitRefused;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.Usage;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one class that records metrics (MicroProfile Metrics today; Payara 7 moves metrics to OpenTelemetry, and only
 * this class would change). It works from the relay's events: a handful per generation and per client stream,
 * none per token, so recording costs nothing on the token path. {@code relay.metrics.enabled=false} skips it all.
 */
@ApplicationScoped
public class MetricsRecorder {

    @Inject
    MetricRegistry registry;

    @Inject
    OperationsSettings settings;

    @Inject
    ProviderNames providers;

    @Inject
    TokenRelay relay;

    private final Map<String, AtomicLong> openStreams = new ConcurrentHashMap<>();

    /** Created with the application, so the gauges are there before the first stream. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object application) {
        registry.getNames();
    }

    @PostConstruct
    void gauges() {
        if (!settings.metricsEnabled()) {
            return;
        }
        registry.gauge(GenAi.GENERATIONS_RUNNING, relay, TokenRelay::runningGenerations);
        registry.gauge(GenAi.REPLAY_BYTES, relay, TokenRelay::replayLogBytes);
        for (String transport : new String[]{"sse", "ndjson", "openai"}) {
            open(transport);
        }
    }

    void opened(@Observes RelayEvent.StreamOpened event) {
        if (!settings.metricsEnabled()) {
            return;
        }
        open(event.transport()).incrementAndGet();
        if (event.resumed()) {
            registry.counter(GenAi.RESUMES, transport(event.transport())).inc();
        }
    }

    void closed(@Observes RelayEvent.StreamClosed event) {
        if (!settings.metricsEnabled()) {
            return;
        }
        open(event.transport()).decrementAndGet();
        Tag transport = transport(event.transport());
        if (event.heartbeats() > 0) {
            registry.counter(GenAi.HEARTBEATS, transport).inc(event.heartbeats());
        }
        switch (event.how()) {
            case CLIENT_GONE -> registry.counter(GenAi.DISCONNECTS, transport).inc();
            case TOO_SLOW -> registry.counter(GenAi.SLOW_CUTS, transport).inc();
            case COMPLETED -> { }
        }
    }

    void refused(@Observes LimitRefused refusal) {
        refused(refusal.code());
    }

    /** A request refused before any stream: by a limit, or because the instance is draining. */
    public void refused(ErrorCode code) {
        if (settings.metricsEnabled()) {
            registry.counter(GenAi.REFUSALS, new Tag("code", code.code())).inc();
        }
    }

    void ended(@Observes RelayEvent.GenerationEnded ended) {
        if (!settings.metricsEnabled()) {
            return;
        }
        GenerationFacts facts = GenerationFacts.of(ended);
        String provider = providers.of(facts.answering().endpoint());
        Tag[] tags = genAi(provider, ended.requestModel(), ended.responseModel(), facts.errorType());
        registry.counter(GenAi.GENERATIONS, new Tag("code", ended.error() == null ? "done" : ended.error().code()))
                .inc();
        registry.counter(GenAi.OUTPUT_PIECES).inc(ended.outputPieces());
        if (ended.error() == ErrorCode.CANCELLED) {
            registry.counter(GenAi.CANCELS).inc();
        }
        if (facts.retries() > 0) {
            registry.counter(GenAi.RETRIES).inc(facts.retries());
        }
        if (facts.fallbacks() > 0) {
            registry.counter(GenAi.FALLBACKS).inc(facts.fallbacks());
        }
        // As a server to its clients.
        registry.timer(GenAi.SERVER_DURATION, tags).update(nanos(facts.durationSeconds()));
        if (facts.firstToken()) {
            registry.timer(GenAi.SERVER_TTFT, tags).update(nanos(facts.ttftSeconds()));
        }
        double tpot = facts.timePerOutputTokenSeconds();
        if (!Double.isNaN(tpot)) {
            registry.timer(GenAi.SERVER_TPOT, tags).update(nanos(tpot));
        }
        // As a client of the upstream: every attempt is an operation of its own.
        for (GenerationFacts.Attempt attempt : facts.attempts()) {
            String error = attempt.failure() != null ? attempt.failure().code() : attempt == facts.answering()
                    ? facts.errorType() : "";
            registry.timer(GenAi.CLIENT_DURATION, genAi(providers.of(attempt.endpoint()), ended.requestModel(),
                    ended.responseModel(), error)).update(Duration.ofNanos(attempt.endNanos() - attempt.startNanos()));
        }
        if (facts.firstToken()) {
            registry.timer(GenAi.CLIENT_FIRST_CHUNK, tags)
                    .update(Duration.ofNanos(ended.firstTokenNanos() - facts.answering().startNanos()));
        }
        Usage usage = ended.usage();
        if (usage != null) {
            tokens(provider, ended, "input", usage.promptTokens(), usage.estimated());
            tokens(provider, ended, "output", usage.completionTokens(), usage.estimated());
        }
    }

    private void tokens(String provider, RelayEvent.GenerationEnded ended, String type, int count, boolean estimated) {
        registry.histogram(GenAi.CLIENT_TOKENS, new Tag(GenAi.tag(GenAi.OPERATION), GenAi.CHAT),
                new Tag(GenAi.tag(GenAi.PROVIDER), provider),
                new Tag(GenAi.tag(GenAi.REQUEST_MODEL), ended.requestModel()),
                new Tag(GenAi.tag(GenAi.RESPONSE_MODEL), ended.responseModel()),
                new Tag(GenAi.tag(GenAi.TOKEN_TYPE), type),
                new Tag("estimated", String.valueOf(estimated))).update(count);
    }

    private AtomicLong open(String transport) {
        return openStreams.computeIfAbsent(transport, t -> {
            AtomicLong count = new AtomicLong();
            registry.gauge(GenAi.STREAMS_OPEN, count, AtomicLong::get, transport(t));
            return count;
        });
    }

    private static Tag transport(String transport) {
        return new Tag("transport", transport);
    }

    private static Tag[] genAi(String provider, String requestModel, String responseModel, String errorType) {
        return new Tag[]{new Tag(GenAi.tag(GenAi.OPERATION), GenAi.CHAT), new Tag(GenAi.tag(GenAi.PROVIDER), provider),
                new Tag(GenAi.tag(GenAi.REQUEST_MODEL), requestModel),
                new Tag(GenAi.tag(GenAi.RESPONSE_MODEL), responseModel),
                new Tag(GenAi.tag(GenAi.ERROR_TYPE), errorType)};
    }

    private static Duration nanos(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
