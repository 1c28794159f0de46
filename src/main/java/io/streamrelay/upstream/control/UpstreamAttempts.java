package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The attempts behind one generation: one request at a time, to the primary and then to the fallback, until one
 * streams a token, fails in a way a retry cannot help (400, 401, 402, 403, 422, a non-transient error inside the
 * stream, an unreadable stream), or the time budget is spent. The generation sees one upstream: the events of the attempt that answered, and the
 * failure of the last one when none did.
 */
final class UpstreamAttempts {

    private static final Logger LOG = Logger.getLogger(UpstreamAttempts.class.getName());
    private static final Set<Integer> RETRIED_STATUSES = Set.of(429, 500, 502, 503, 504);
    private static final long MS = 1_000_000L;

    private final OpenAiUpstream client;
    private final ChatRequest request;
    private final Consumer<UpstreamEvent> events;
    private final List<UpstreamSettings.Endpoint> endpoints;
    private final UpstreamSettings.Retry retry;
    private final TaskQueue timers;
    private final long startedNanos = System.nanoTime();

    private int endpoint;
    private int triesHere;
    private int triesInAll;
    private boolean cancelled;
    private Attempt current;
    private TaskQueue.Scheduled pending;

    UpstreamAttempts(OpenAiUpstream client, ChatRequest request, Consumer<UpstreamEvent> events,
                     List<UpstreamSettings.Endpoint> endpoints, UpstreamSettings.Retry retry, TaskQueue timers) {
        this.client = client;
        this.request = request;
        this.events = events;
        this.endpoints = List.copyOf(endpoints);
        this.retry = retry;
        this.timers = timers;
    }

    void start() {
        attempt();
    }

    void cancel() {
        Upstream.UpstreamCall call;
        TaskQueue.Scheduled waiting;
        synchronized (this) {
            cancelled = true;
            call = current == null ? null : current.call;
            waiting = pending;
        }
        if (waiting != null) {
            waiting.cancel();
        }
        if (call != null) {
            call.cancel();
        }
    }

    private void attempt() {
        Attempt attempt;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            attempt = new Attempt(endpoints.get(endpoint));
            current = attempt;
            triesHere++;
            triesInAll++;
        }
        events.accept(new UpstreamEvent.Attempt(triesInAll, attempt.endpoint.name(), System.nanoTime(), null, 0));
        Upstream.UpstreamCall call;
        try {
            call = client.send(attempt.endpoint, request, attempt);
        } catch (RuntimeException unusable) {
            // A request that cannot even be built (a malformed URL) is an upstream that cannot be reached.
            attempt.accept(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_UNAVAILABLE, "could not reach the upstream", true,
                    0, -1));
            return;
        }
        boolean cancelNow;
        synchronized (this) {
            attempt.call = call;
            cancelNow = cancelled;
        }
        if (cancelNow) {
            call.cancel();
        }
    }

    /** A failure before any token: retry here, fall over, or give up with this failure. */
    private void failedBeforeOutput(UpstreamEvent.Failure failure) {
        events.accept(new UpstreamEvent.Attempt(triesInAll, endpoints.get(endpoint).name(), System.nanoTime(),
                failure.code(), failure.status()));
        long elapsedMs = (System.nanoTime() - startedNanos) / MS;
        long waitMs = jitteredBackoff();
        boolean retryHere;
        boolean fallOver;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            retryHere = triesHere < retry.maxAttempts();
            if (failure.retryAfterMs() >= 0) {
                // The upstream said when: never earlier. Longer than the relay would hold a client: not here.
                retryHere &= failure.retryAfterMs() <= retry.maxRetryAfterMs();
                waitMs = Math.max(waitMs, failure.retryAfterMs());
            }
            retryHere &= elapsedMs + waitMs <= retry.budgetMs();
            fallOver = !retryHere && endpoint + 1 < endpoints.size();
            if (fallOver) {
                endpoint++;
                triesHere = 0;
            }
        }
        UpstreamSettings.Endpoint failed = endpoints.get(fallOver ? endpoint - 1 : endpoint);
        if (retryHere) {
            long wait = waitMs;
            LOG.fine(() -> failed + " failed (" + failure.code() + "); retrying in " + wait + " ms");
            schedule(wait);
        } else if (fallOver) {
            UpstreamSettings.Endpoint next = endpoints.get(endpoint);
            LOG.info(() -> failed + " failed (" + failure.code() + ") before the first token; falling over to "
                    + next);
            // Before the fallback's first event, so the generation reports the model that really answers.
            events.accept(new UpstreamEvent.Switched(client.modelFor(next, request)));
            attempt();
        } else {
            int tries = triesInAll;
            LOG.fine(() -> "giving up after " + tries + " attempts: " + failure.code());
            events.accept(new UpstreamEvent.Failure(failure.code(), failure.message()
                    + (tries > 1 ? " (" + tries + " attempts)" : ""), failure.retryable(), failure.status(),
                    failure.retryAfterMs()));
        }
    }

    private void schedule(long waitMs) {
        try {
            TaskQueue.Scheduled next = timers.schedule(this::attempt, waitMs * MS);
            synchronized (this) {
                pending = next;
            }
        } catch (RejectedExecutionException shuttingDown) {
            events.accept(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_UNAVAILABLE, "the relay is shutting down", true, 0,
                    -1));
        }
    }

    /** Exponential from the configured first backoff, each wait drawn from its upper half. */
    private long jitteredBackoff() {
        int shift;
        synchronized (this) {
            shift = Math.min(Math.max(triesHere - 1, 0), 16);
        }
        long base = Math.max(1, retry.backoffMs() << shift);
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }

    /**
     * An HTTP status is retried only if listed; a failure without one (a connection, an error inside the stream,
     * a truncation) when its classification says it is transient.
     */
    private static boolean retried(UpstreamEvent.Failure failure) {
        return failure.retryable() && (failure.status() <= 0 || RETRIED_STATUSES.contains(failure.status()));
    }

    /** One request's events: passed on, except a failure before any token that another attempt may mend. */
    private final class Attempt implements Consumer<UpstreamEvent> {
        private final UpstreamSettings.Endpoint endpoint;
        private volatile Upstream.UpstreamCall call;
        private boolean output;

        Attempt(UpstreamSettings.Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void accept(UpstreamEvent event) {
            // A tool call or a refusal is output too: the client holds part of the answer, nothing may repeat it.
            if (event instanceof UpstreamEvent.Text || event instanceof UpstreamEvent.Reasoning
                    || event instanceof UpstreamEvent.ToolCall || event instanceof UpstreamEvent.Refusal) {
                output = true;
            } else if (event instanceof UpstreamEvent.Failure failure && !output && retried(failure)) {
                // A stream that ended before anything was said (ChunkReader's upstream_truncated) is as good as
                // never connected; a transient error inside the stream is as good as its HTTP status.
                failedBeforeOutput(failure);
                return;
            }
            events.accept(event);
        }
    }
}
