package io.streamrelay.operations.control;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.streamrelay.completions.entity.RelayEvent.GenerationEnded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One trace per generation (MicroProfile Telemetry, on with {@code otel.sdk.disabled=false}): a server span from
 * the request to the terminal event with the GenAI attributes, a client span for each upstream attempt, and events
 * for the first token, each retry and fallback, each client that left, and the end. The whole trace is built at
 * the generation's single exit from what it recorded, with the recorded times, so tracing adds nothing per token.
 */
@ApplicationScoped
public class GenerationTraces {

    static final String GENERATION_ID = "streamrelay.generation.id";

    @Inject
    Instance<Tracer> tracers;

    @Inject
    OperationsSettings settings;

    @Inject
    ProviderNames providers;

    void ended(@Observes GenerationEnded ended) {
        if (!settings.tracingEnabled() || !tracers.isResolvable()) {
            return;
        }
        Tracer tracer = tracers.get();
        GenerationFacts facts = GenerationFacts.of(ended);
        Clock clock = new Clock();
        String provider = providers.of(facts.answering().endpoint());
        Span generation = tracer.spanBuilder(GenAi.CHAT + " " + ended.requestModel()).setNoParent()
                .setSpanKind(SpanKind.SERVER).setStartTimestamp(clock.epoch(ended.startedNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.OPERATION, GenAi.CHAT)
                .setAttribute(GenAi.PROVIDER, provider)
                .setAttribute(GenAi.REQUEST_MODEL, ended.requestModel())
                .setAttribute(GenAi.RESPONSE_MODEL, ended.responseModel())
                .setAttribute(GENERATION_ID, ended.id())
                .setAttribute("streamrelay.transport", String.valueOf(ended.transport()))
                .setAttribute("streamrelay.output_pieces", ended.outputPieces())
                .setAttribute("streamrelay.upstream.retries", facts.retries())
                .setAttribute("streamrelay.upstream.fallbacks", facts.fallbacks())
                .startSpan();
        if (ended.finishReason() != null) {
            generation.setAttribute(AttributeKey.stringArrayKey(GenAi.FINISH_REASONS), List.of(ended.finishReason()));
        }
        if (ended.usage() != null) {
            generation.setAttribute(GenAi.INPUT_TOKENS, ended.usage().promptTokens());
            generation.setAttribute(GenAi.OUTPUT_TOKENS, ended.usage().completionTokens());
            generation.setAttribute("streamrelay.usage.estimated", ended.usage().estimated());
        }
        if (facts.firstToken()) {
            generation.addEvent("gen_ai.first_token", clock.epoch(ended.firstTokenNanos()), TimeUnit.NANOSECONDS);
        }
        Context parent = Context.root().with(generation);
        GenerationFacts.Attempt previous = null;
        for (GenerationFacts.Attempt attempt : facts.attempts()) {
            if (previous != null) {
                boolean fallback = !previous.endpoint().equals(attempt.endpoint());
                generation.addEvent(fallback ? "streamrelay.fallback" : "streamrelay.retry",
                        Attributes.of(AttributeKey.stringKey(GenAi.ERROR_TYPE), previous.failure().code(),
                                AttributeKey.longKey("streamrelay.attempt"), (long) attempt.number()),
                        clock.epoch(attempt.startNanos()), TimeUnit.NANOSECONDS);
            }
            attempt(tracer, parent, clock, ended, facts, attempt);
            previous = attempt;
        }
        for (long left : ended.departures()) {
            generation.addEvent("streamrelay.client.disconnect", clock.epoch(left), TimeUnit.NANOSECONDS);
        }
        generation.addEvent("streamrelay.end", Attributes.of(AttributeKey.stringKey("streamrelay.code"),
                ended.error() == null ? "done" : ended.error().code()), clock.epoch(ended.endedNanos()),
                TimeUnit.NANOSECONDS);
        if (ended.error() != null) {
            generation.setAttribute(GenAi.ERROR_TYPE, ended.error().code());
            generation.setStatus(StatusCode.ERROR, ended.error().code());
        }
        generation.end(clock.epoch(ended.endedNanos()), TimeUnit.NANOSECONDS);
    }

    private void attempt(Tracer tracer, Context parent, Clock clock, GenerationEnded ended, GenerationFacts facts,
                         GenerationFacts.Attempt attempt) {
        Span span = tracer.spanBuilder(GenAi.CHAT + " " + ended.requestModel()).setParent(parent)
                .setSpanKind(SpanKind.CLIENT).setStartTimestamp(clock.epoch(attempt.startNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.OPERATION, GenAi.CHAT)
                .setAttribute(GenAi.PROVIDER, providers.of(attempt.endpoint()))
                .setAttribute(GenAi.REQUEST_MODEL, ended.requestModel())
                .setAttribute("streamrelay.attempt", attempt.number())
                .setAttribute("streamrelay.upstream.endpoint", attempt.endpoint())
                .startSpan();
        String error = attempt.failure() != null ? attempt.failure().code()
                : attempt == facts.answering() && ended.error() != null ? ended.error().code() : null;
        if (attempt == facts.answering()) {
            span.setAttribute(GenAi.RESPONSE_MODEL, ended.responseModel());
        }
        if (attempt.status() > 0) {
            span.setAttribute("http.response.status_code", attempt.status());
        }
        if (error != null) {
            span.setAttribute(GenAi.ERROR_TYPE, error);
            span.setStatus(StatusCode.ERROR, error);
        }
        span.end(clock.epoch(attempt.endNanos()), TimeUnit.NANOSECONDS);
    }

    /** nanoTime readings to epoch nanoseconds, from one pair of readings taken now. */
    private static final class Clock {
        private final long epochNow;
        private final long monotonicNow = System.nanoTime();

        Clock() {
            Instant now = Instant.now();
            epochNow = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        long epoch(long nanoTime) {
            return epochNow - (monotonicNow - nanoTime);
        }
    }
}
