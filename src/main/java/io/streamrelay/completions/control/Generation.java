package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One generation from its start event to its one terminal event. It numbers events, owns the timers (heartbeat,
 * time to first token, payload idle, total duration) as one scheduled task at a time, and every way to an end
 * passes through {@link #end}, which releases the upstream and the timer exactly once.
 */
final class Generation implements Consumer<UpstreamEvent> {

    private static final Logger LOG = Logger.getLogger(Generation.class.getName());
    private static final long MS = 1_000_000L;

    private final String id;
    private final ChatRequest request;
    private final RelaySettings.Timers timers;
    private final TaskQueue scheduler;
    private final Consumer<Generation> onEnd;
    private Outbox outbox;

    private final Object lock = new Object();
    private long seq;
    private boolean ended;
    private Upstream.UpstreamCall call;
    private TaskQueue.Scheduled timer;
    private StreamEvent terminal;
    private String finishReason;
    private Usage usage;
    private int relayedPieces;

    private final long startedNanos = System.nanoTime();
    private volatile long firstPayloadNanos;
    private volatile long lastPayloadNanos;
    private volatile boolean firstToken;
    private int probesLeft;
    private long probeAtNanos;
    private long lastPingNanos;

    Generation(String id, ChatRequest request, RelaySettings.Timers timers, TaskQueue scheduler,
               Consumer<Generation> onEnd) {
        this.id = id;
        this.request = request;
        this.timers = timers;
        this.scheduler = scheduler;
        this.onEnd = onEnd;
    }

    String id() {
        return id;
    }

    void start(Outbox outbox, Upstream upstream) {
        this.outbox = outbox;
        emit(new StreamEvent.Start(0, id, upstream.modelFor(request)));
        synchronized (lock) {
            if (ended) {
                return;
            }
            schedule(nextDeadline(System.nanoTime()));
        }
        Upstream.UpstreamCall started = upstream.open(request, this);
        synchronized (lock) {
            if (!ended) {
                call = started;
                return;
            }
        }
        started.cancel();
    }

    @Override
    public void accept(UpstreamEvent event) {
        long now = System.nanoTime();
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
        firstToken = true;
        boolean accepted;
        synchronized (lock) {
            if (ended || terminal != null) {
                return;
            }
            relayedPieces++;
            long next = ++seq;
            accepted = outbox.offer(reasoning ? new StreamEvent.Reasoning(next, text) : new StreamEvent.Token(next, text));
        }
        if (!accepted) {
            tooSlow();
            return;
        }
        outbox.signal();
    }

    private void finished(boolean doneMarker) {
        synchronized (lock) {
            if (!doneMarker && finishReason == null) {
                decide(new StreamEvent.Failure(seq + 1, "upstream_truncated",
                        "the upstream stream ended before the answer was finished", true));
            } else {
                Usage counted = usage != null ? usage : new Usage(0, relayedPieces, relayedPieces, true);
                decide(new StreamEvent.Done(seq + 1, finishReason == null ? "stop" : finishReason, counted));
            }
        }
        end();
    }

    void fail(String code, String message, boolean retryable) {
        synchronized (lock) {
            decide(new StreamEvent.Failure(seq + 1, code, message, retryable));
        }
        end();
    }

    /** The first decided ending wins; called with the lock held. */
    private void decide(StreamEvent ending) {
        if (!ended && terminal == null) {
            terminal = ending;
        }
    }

    /** The client left: nobody is listening, so there is nothing to write, only the upstream to stop. */
    void clientGone() {
        end();
    }

    private void tooSlow() {
        LOG.fine(() -> "generation " + id + ": client fell more than its buffer behind; dropped");
        outbox.abandon();
    }

    private void emit(StreamEvent event) {
        boolean accepted;
        synchronized (lock) {
            if (ended || terminal != null) {
                return;
            }
            accepted = outbox.offer(event);
        }
        if (accepted) {
            outbox.signal();
        } else {
            tooSlow();
        }
    }

    /**
     * The single exit: the first caller wins, offers the terminal event if one was set (none when the client is
     * gone), and releases the timer and the upstream.
     */
    private void end() {
        Upstream.UpstreamCall running;
        StreamEvent last;
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            last = terminal;
            if (last != null) {
                seq = last.seq();
                outbox.offer(last);
            }
            if (timer != null) {
                timer.cancel();
            }
            running = call;
            call = null;
        }
        // Stop paying the upstream before anything else.
        if (running != null) {
            running.cancel();
        }
        if (last != null) {
            outbox.signal();
        }
        onEnd.accept(this);
        if (last instanceof StreamEvent.Failure failure) {
            LOG.fine(() -> "generation " + id + " ended: " + failure.code());
        }
    }

    private void onTimer() {
        long now = System.nanoTime();
        boolean expired;
        synchronized (lock) {
            if (ended) {
                return;
            }
            if (now - startedNanos >= timers.maxDurationMs() * MS) {
                decide(new StreamEvent.Failure(seq + 1, "max_duration",
                        "the stream reached its maximum duration", false));
            } else if (!firstToken && now - startedNanos >= timers.firstTokenMs() * MS) {
                decide(new StreamEvent.Failure(seq + 1, "first_token_timeout",
                        "the upstream sent no token in time", true));
            } else if (firstPayloadNanos != 0 && now - lastPayloadNanos >= timers.idleMs() * MS) {
                // Keep-alive comments are not progress: only payloads move lastPayloadNanos.
                decide(new StreamEvent.Failure(seq + 1, "upstream_stalled",
                        "the upstream stopped sending", true));
            }
            expired = terminal != null;
        }
        if (expired) {
            end();
            return;
        }
        if (probesLeft > 0 && outbox.lastOfferNanos() != lastPingNanos) {
            // Something real was written since the heartbeat: that write probes the line just as well.
            probesLeft = 0;
        }
        if (probesLeft > 0 && now >= probeAtNanos) {
            probesLeft--;
            probeAtNanos = now + probeGapNanos();
            lastPingNanos = outbox.offerPing();
        } else if (now - outbox.lastOfferNanos() >= timers.heartbeatMs() * MS) {
            // A closed client is only noticed by the second or third write after it left (the first one merely
            // draws the peer's reset), so a quiet stream follows each heartbeat with quick probes: a client
            // that left is then found within two heartbeat intervals, not three or more.
            probesLeft = timers.probes();
            probeAtNanos = now + probeGapNanos();
            lastPingNanos = outbox.offerPing();
        }
        synchronized (lock) {
            if (!ended) {
                schedule(nextDeadline(now));
            }
        }
    }

    private long nextDeadline(long now) {
        long next = startedNanos + timers.maxDurationMs() * MS;
        if (!firstToken) {
            next = Math.min(next, startedNanos + timers.firstTokenMs() * MS);
        }
        if (firstPayloadNanos != 0) {
            next = Math.min(next, lastPayloadNanos + timers.idleMs() * MS);
        }
        next = Math.min(next, Math.max(now, outbox.lastOfferNanos()) + timers.heartbeatMs() * MS);
        if (probesLeft > 0) {
            next = Math.min(next, probeAtNanos);
        }
        return Math.max(next - now, MS);
    }

    private long probeGapNanos() {
        return Math.min(250, timers.heartbeatMs() / 8) * MS;
    }

    private void schedule(long delayNanos) {
        timer = scheduler.schedule(this::onTimer, delayNanos);
    }
}
