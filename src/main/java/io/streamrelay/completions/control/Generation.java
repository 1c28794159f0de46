package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One generation from its start event to its one terminal event, and for a retention time after. It numbers the
 * events and keeps them in a bounded replay log, so any number of followers can each receive every event once, in
 * order, from their own cursor, also after a reconnect. It owns the timers (time to first token, payload idle,
 * total duration, each follower's heartbeat, the grace period when nobody follows) as one scheduled task at a
 * time, and every way to an end passes through {@link #end}, which releases the upstream, the timers and the
 * concurrency slot once.
 */
final class Generation implements Consumer<UpstreamEvent> {

    enum Status { RUNNING, DONE, ERROR, CANCELLED }

    private static final Logger LOG = Logger.getLogger(Generation.class.getName());
    private static final long MS = 1_000_000L;

    private final String id;
    private final ChatRequest request;
    private final Caller owner;
    private final Lease lease;
    private final RelaySettings.Timers timers;
    private final RelaySettings.Replay replay;
    private final TaskQueue scheduler;
    private final Executor writers;
    private final int followerBuffer;
    private final Consumer<Generation> onEnd;
    private final Consumer<Generation> onExpiry;

    private final Object lock = new Object();
    private final List<StreamEvent> log = new ArrayList<>();
    private final List<Follower> followers = new ArrayList<>();
    private long logBytes;
    private long seq;
    private Status status = Status.RUNNING;
    private String model;
    /** The model that answered, when a fallback upstream did and it differs from the announced one. */
    private String servedModel;
    private StreamEvent terminal;
    private Upstream.UpstreamCall call;
    private TaskQueue.Scheduled timer;
    private TaskQueue.Scheduled grace;
    private String finishReason;
    private Usage usage;
    private int relayedPieces;
    private Consumer<RelayEvent> events = event -> { };
    private final List<UpstreamEvent.Attempt> attempts = new ArrayList<>(2);
    private String transport;
    private final List<Long> departures = new ArrayList<>(0);
    private volatile long firstTokenNanos;

    private final long startedNanos = System.nanoTime();
    private volatile long firstPayloadNanos;
    private volatile long lastPayloadNanos;
    private volatile boolean firstToken;

    Generation(String id, ChatRequest request, Caller owner, Lease lease, RelaySettings settings,
               TaskQueue scheduler, Executor writers, Consumer<Generation> onEnd, Consumer<Generation> onExpiry) {
        this.id = id;
        this.request = request;
        this.owner = owner;
        this.lease = lease;
        this.timers = settings.timers();
        this.replay = settings.replay();
        this.scheduler = scheduler;
        this.writers = writers;
        this.followerBuffer = settings.bufferEvents();
        this.onEnd = onEnd;
        this.onExpiry = onExpiry;
    }

    String id() {
        return id;
    }

    /** What its replay log holds now, in the log's own measure (see {@link #bytes}). */
    long logBytes() {
        synchronized (lock) {
            return logBytes;
        }
    }

    /** Where this generation's and its followers' lifecycle events go (metrics, traces); set before start. */
    void reportTo(Consumer<RelayEvent> events) {
        this.events = events;
    }

    /**
     * With gateway keys, a generation is visible only to the key that created it; a caller without a key (open
     * relay, or following by id alone) is not held to an owner: the id is the capability.
     */
    boolean visibleTo(Caller caller) {
        return !caller.keyed() || caller.equals(owner);
    }

    /**
     * Starts the upstream. Followers attached before (the chat endpoints attach theirs first) receive the start
     * event now. A generation nobody follows yet (created by POST /api/generations) waits the grace period for
     * its first follower; with a grace of 0 it runs until it ends or is cancelled.
     */
    void start(Upstream upstream) {
        List<Follower> waiting;
        synchronized (lock) {
            model = upstream.modelFor(request);
            StreamEvent start = new StreamEvent.Start(0, id, model);
            append(start);
            waiting = List.copyOf(followers);
            waiting.forEach(follower -> follower.offer(start));
            schedule(nextDeadline(System.nanoTime()));
            if (followers.isEmpty() && replay.graceMs() > 0) {
                startGrace();
            }
        }
        waiting.forEach(Follower::signal);
        Upstream.UpstreamCall started = upstream.open(request, this);
        synchronized (lock) {
            if (status == Status.RUNNING) {
                call = started;
                return;
            }
        }
        started.cancel();
    }

    /**
     * Adds a follower that receives every event after {@code after} (-1: all), then every live one. Replay and
     * registration happen under one lock, so no event is missed or sent twice between the two.
     */
    Follower follow(TokenSink sink, long after) {
        sink.bind(id);
        Follower follower = new Follower(sink, writers, followerBuffer, this::unfollow, events);
        events.accept(new RelayEvent.StreamOpened(sink.transport(), after >= 0));
        synchronized (lock) {
            transport = transport == null ? sink.transport() : transport;
            for (StreamEvent event : log) {
                if (event.seq() > after) {
                    follower.offerReplay(event);
                }
            }
            if (status == Status.RUNNING) {
                followers.add(follower);
                if (grace != null) {
                    grace.cancel();
                    grace = null;
                }
            }
        }
        follower.signal();
        return follower;
    }

    /** A follower left (its client disconnected, or fell too far behind and was dropped). */
    private void unfollow(Follower follower) {
        boolean endNow = false;
        synchronized (lock) {
            departures.add(System.nanoTime());
            if (followers.remove(follower) && followers.isEmpty() && status == Status.RUNNING) {
                startGrace();
                endNow = terminal != null;
            }
        }
        if (endNow) {
            end();
        }
    }

    /**
     * Nobody follows: the upstream keeps going for the grace period, for a client that reconnects; with a grace of
     * 0 the ending is decided at once (the caller ends it). Called with the lock held.
     */
    private void startGrace() {
        if (replay.graceMs() == 0) {
            decide(new StreamEvent.Failure(seq + 1, ErrorCode.CANCELLED, "no client is following the generation", false));
            return;
        }
        grace = scheduler.schedule(this::graceOver, replay.graceMs() * MS);
    }

    private void graceOver() {
        synchronized (lock) {
            if (!followers.isEmpty() || status != Status.RUNNING) {
                return;
            }
            decide(new StreamEvent.Failure(seq + 1, ErrorCode.CANCELLED,
                    "no client came back within " + replay.graceMs() + " ms", false));
        }
        end();
    }

    /** An explicit cancel: every follower is told, and the upstream stops. */
    void cancel() {
        synchronized (lock) {
            decide(new StreamEvent.Failure(seq + 1, ErrorCode.CANCELLED, "the generation was cancelled", false));
        }
        end();
    }

    GenerationView view() {
        synchronized (lock) {
            StringBuilder text = new StringBuilder();
            for (StreamEvent event : log) {
                if (event instanceof StreamEvent.Token token) {
                    text.append(token.text());
                }
            }
            Usage known = usage;
            if (terminal instanceof StreamEvent.Done done && status == Status.DONE) {
                known = done.usage();
            }
            return new GenerationView(id, status.name().toLowerCase(), servedModel != null ? servedModel : model,
                    text.toString(), known);
        }
    }

    @Override
    public void accept(UpstreamEvent event) {
        long now = System.nanoTime();
        if (event instanceof UpstreamEvent.Attempt attempt) {
            synchronized (lock) {
                attempts.add(attempt);
            }
            return;
        }
        if (event instanceof UpstreamEvent.Switched switched) {
            // A fallback answers: not progress, but the done event and the status will name its model.
            synchronized (lock) {
                servedModel = switched.model().equals(model) ? null : switched.model();
            }
            return;
        }
        if (!(event instanceof UpstreamEvent.End) && !(event instanceof UpstreamEvent.Failure)) {
            if (firstPayloadNanos == 0) {
                firstPayloadNanos = now;
            }
            lastPayloadNanos = now;
        }
        if (event instanceof UpstreamEvent.Text text) {
            piece(text.text(), false);
        } else if (event instanceof UpstreamEvent.Reasoning reasoning) {
            piece(reasoning.text(), true);
        } else if (event instanceof UpstreamEvent.Finish finish) {
            synchronized (lock) {
                finishReason = finish.reason();
            }
        } else if (event instanceof UpstreamEvent.Counted counted) {
            synchronized (lock) {
                usage = counted.usage();
            }
        } else if (event instanceof UpstreamEvent.End end) {
            finished(end.doneMarker());
        } else if (event instanceof UpstreamEvent.Failure failure) {
            fail(failure.code(), failure.message(), failure.retryable());
        }
    }

    private void piece(String text, boolean reasoning) {
        if (!firstToken) {
            firstTokenNanos = System.nanoTime();
        }
        firstToken = true;
        List<Follower> live;
        List<Follower> behind = null;
        boolean tooLarge = false;
        synchronized (lock) {
            if (status != Status.RUNNING || terminal != null) {
                return;
            }
            StreamEvent event = reasoning ? new StreamEvent.Reasoning(seq + 1, text)
                    : new StreamEvent.Token(seq + 1, text);
            // One slot and some bytes stay free for the terminal event.
            if (log.size() + 2 > replay.maxEvents() || logBytes + bytes(event) + 256 > replay.maxBytes()) {
                decide(new StreamEvent.Failure(seq + 1, ErrorCode.TOO_LARGE,
                        "the answer outgrew the replay log's bound", false));
                tooLarge = true;
                live = List.of();
            } else {
                relayedPieces++;
                append(event);
                live = List.copyOf(followers);
                for (Follower follower : live) {
                    if (!follower.offer(event)) {
                        if (behind == null) {
                            behind = new ArrayList<>();
                        }
                        behind.add(follower);
                    }
                }
            }
        }
        if (tooLarge) {
            end();
            return;
        }
        // Completion tokens count against the caller's allowance as they stream, not when the usage chunk says.
        lease.tokens(1);
        for (Follower follower : live) {
            follower.signal();
        }
        if (behind != null) {
            // A slow follower alone is cut; it can resume from its last id.
            behind.forEach(Follower::abandon);
        }
    }

    private void finished(boolean doneMarker) {
        synchronized (lock) {
            if (!doneMarker && finishReason == null) {
                // Once a token went out the answer cannot be asked for again without repeating it: the client
                // gets a terminal error to retry on, never a shorter answer passed off as done.
                decide(relayedPieces > 0
                        ? new StreamEvent.Failure(seq + 1, ErrorCode.UPSTREAM_FAILED,
                        "the upstream stream was cut after the answer had started", true)
                        : new StreamEvent.Failure(seq + 1, ErrorCode.UPSTREAM_TRUNCATED,
                        "the upstream stream ended before the answer was finished", true));
            } else {
                Usage counted = usage != null ? usage : new Usage(0, relayedPieces, relayedPieces, true);
                decide(new StreamEvent.Done(seq + 1, finishReason == null ? "stop" : finishReason, counted,
                        servedModel));
            }
        }
        end();
    }

    void fail(ErrorCode code, String message, boolean retryable) {
        synchronized (lock) {
            decide(new StreamEvent.Failure(seq + 1, code, message, retryable));
        }
        end();
    }

    /** The first decided ending wins; called with the lock held. */
    private void decide(StreamEvent ending) {
        if (status == Status.RUNNING && terminal == null) {
            terminal = ending;
        }
    }

    /**
     * The single exit: the first caller wins, logs the terminal event and hands it to every follower, and releases
     * the timers and the upstream. The log stays for the retention time, for clients that reconnect late.
     */
    private void end() {
        Upstream.UpstreamCall running;
        List<Follower> told;
        StreamEvent last;
        synchronized (lock) {
            if (status != Status.RUNNING || terminal == null) {
                return;
            }
            last = terminal;
            status = last instanceof StreamEvent.Done ? Status.DONE
                    : last instanceof StreamEvent.Failure failure && failure.code() == ErrorCode.CANCELLED
                    ? Status.CANCELLED : Status.ERROR;
            append(last);
            told = List.copyOf(followers);
            followers.clear();
            for (Follower follower : told) {
                follower.offer(last);
            }
            if (timer != null) {
                timer.cancel();
            }
            if (grace != null) {
                grace.cancel();
            }
            running = call;
            call = null;
        }
        // Stop paying the upstream before anything else, then give the slot back.
        try {
            if (running != null) {
                running.cancel();
            }
        } finally {
            lease.release();
        }
        told.forEach(Follower::signal);
        onEnd.accept(this);
        events.accept(ended(last));
        scheduler.schedule(() -> onExpiry.accept(this), replay.retentionMs() * MS);
        if (last instanceof StreamEvent.Failure failure) {
            LOG.fine(() -> "generation " + id + " ended: " + failure.code());
        }
    }

    private RelayEvent.GenerationEnded ended(StreamEvent last) {
        synchronized (lock) {
            boolean done = last instanceof StreamEvent.Done;
            return new RelayEvent.GenerationEnded(id, owner.id(), owner.keyed(), transport,
                    request.model() != null ? request.model() : model, servedModel != null ? servedModel : model,
                    startedNanos, firstTokenNanos, System.nanoTime(), relayedPieces,
                    done ? ((StreamEvent.Done) last).usage() : null,
                    last instanceof StreamEvent.Failure failure ? failure.code() : null,
                    done ? ((StreamEvent.Done) last).finishReason() : null, List.copyOf(attempts), List.copyOf(departures),
                    logBytes);
        }
    }

    private void append(StreamEvent event) {
        log.add(event);
        logBytes += bytes(event);
        seq = event.seq();
    }

    /** What an event costs in the log: its JSON length (chars) plus object overhead, a fair proxy for heap. */
    private static long bytes(StreamEvent event) {
        int text = event instanceof StreamEvent.Token t ? t.text().length()
                : event instanceof StreamEvent.Reasoning r ? r.text().length() : 32;
        return 64 + 2L * text;
    }

    private void onTimer() {
        long now = System.nanoTime();
        boolean expired;
        List<Follower> live;
        synchronized (lock) {
            if (status != Status.RUNNING) {
                return;
            }
            if (now - startedNanos >= timers.maxDurationMs() * MS) {
                decide(new StreamEvent.Failure(seq + 1, ErrorCode.MAX_DURATION,
                        "the stream reached its maximum duration", false));
            } else if (!firstToken && now - startedNanos >= timers.firstTokenMs() * MS) {
                decide(new StreamEvent.Failure(seq + 1, ErrorCode.FIRST_TOKEN_TIMEOUT,
                        "the upstream sent no token in time", true));
            } else if (firstPayloadNanos != 0 && now - lastPayloadNanos >= timers.idleMs() * MS) {
                // Keep-alive comments are not progress: only payloads move lastPayloadNanos.
                decide(firstToken
                        ? new StreamEvent.Failure(seq + 1, ErrorCode.UPSTREAM_FAILED,
                        "the upstream stopped sending after the answer had started", true)
                        : new StreamEvent.Failure(seq + 1, ErrorCode.UPSTREAM_STALLED, "the upstream stopped sending", true));
            }
            expired = terminal != null;
            live = List.copyOf(followers);
        }
        if (expired) {
            end();
            return;
        }
        long next = Long.MAX_VALUE;
        for (Follower follower : live) {
            next = Math.min(next, follower.heartbeat(now, timers.heartbeatMs() * MS, timers.probes(),
                    probeGapNanos()));
        }
        synchronized (lock) {
            if (status == Status.RUNNING) {
                long deadline = nextDeadline(now);
                schedule(Math.max(Math.min(deadline, next - now), MS));
            }
        }
    }

    /** Nanoseconds until the next generation deadline; followers' heartbeats are added by the timer. */
    private long nextDeadline(long now) {
        long next = startedNanos + timers.maxDurationMs() * MS;
        if (!firstToken) {
            next = Math.min(next, startedNanos + timers.firstTokenMs() * MS);
        }
        if (firstPayloadNanos != 0) {
            next = Math.min(next, lastPayloadNanos + timers.idleMs() * MS);
        }
        next = Math.min(next, now + timers.heartbeatMs() * MS);
        return Math.max(next - now, MS);
    }

    private long probeGapNanos() {
        return Math.min(250, timers.heartbeatMs() / 8) * MS;
    }

    private void schedule(long delayNanos) {
        timer = scheduler.schedule(this::onTimer, delayNanos);
    }
}
