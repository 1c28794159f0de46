package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The generation's ear on the upstream: passes the pieces of the answer on, and remembers what else the upstream
 * said (finish reason, usage, the model that served it, when it last sent a payload), from which the ending is
 * decided, and what observers are told at the end (when the first piece came, the upstream's attempts). Upstream
 * threads call it; the timer reads the progress.
 */
final class Answer implements Consumer<UpstreamEvent> {

    /** Where the answer goes: its pieces, and its ending as a function of the next seq. */
    interface Relay {
        /** {@code counted}: a piece of output (a token, a tool-call fragment, a refusal), not a side note. */
        void piece(LongFunction<StreamEvent> event, boolean counted);

        void finish(LongFunction<StreamEvent> ending);
    }

    private final Relay relay;
    private final long startedNanos = System.nanoTime();
    private volatile boolean firstToken;
    private volatile boolean anyPayload;
    private volatile long lastPayloadNanos;
    private volatile long firstTokenNanos;
    private final List<UpstreamEvent.Attempt> attempts = new ArrayList<>(2);
    private String announcedModel;
    private String servedModel;
    private String finishReason;
    private Usage usage;
    private int relayed;
    private String endpoint = "chat";

    Answer(Relay relay) {
        this.relay = relay;
    }

    /** {@code chat} (created with its first client) or {@code generations} (POST /api/generations). */
    synchronized void createdBy(String createdBy) {
        endpoint = createdBy;
    }

    synchronized void announced(String model) {
        announcedModel = model;
    }

    @Override
    public void accept(UpstreamEvent event) {
        if (event instanceof UpstreamEvent.Attempt attempt) {
            attempted(attempt); // the upstream's bookkeeping, not a payload: no progress for the deadlines
            return;
        }
        if (event instanceof UpstreamEvent.End || event instanceof UpstreamEvent.Failure) {
            relay.finish(seq -> ending(seq, event));
            return;
        }
        if (!(event instanceof UpstreamEvent.Switched)) {
            // Any payload is progress; keep-alive comments never get here.
            lastPayloadNanos = System.nanoTime();
            anyPayload = true;
        }
        LongFunction<StreamEvent> piece = piece(event);
        if (piece == null) {
            note(event);
        } else if (event instanceof UpstreamEvent.Logprobs) {
            relay.piece(piece, false);
        } else {
            // A tool call or a refusal is the answer starting, for the deadlines as for the retries.
            if (!firstToken) {
                firstTokenNanos = System.nanoTime();
                firstToken = true;
            }
            relay.piece(piece, true);
        }
    }

    /** The stream event a piece of the answer becomes, given its seq; null for what is not a piece. */
    private static LongFunction<StreamEvent> piece(UpstreamEvent event) {
        if (event instanceof UpstreamEvent.Text text) {
            return seq -> new StreamEvent.Token(seq, text.text());
        } else if (event instanceof UpstreamEvent.Reasoning reasoning) {
            return seq -> new StreamEvent.Reasoning(seq, reasoning.text());
        } else if (event instanceof UpstreamEvent.ToolCall call) {
            return seq -> new StreamEvent.ToolCall(seq, call.index(), call.id(), call.name(), call.arguments());
        } else if (event instanceof UpstreamEvent.Refusal refusal) {
            return seq -> new StreamEvent.Refusal(seq, refusal.text());
        } else if (event instanceof UpstreamEvent.Logprobs logprobs) {
            return seq -> new StreamEvent.Logprobs(seq, logprobs.json());
        }
        return null;
    }

    private synchronized void note(UpstreamEvent event) {
        if (event instanceof UpstreamEvent.Finish finish) {
            finishReason = finish.reason();
        } else if (event instanceof UpstreamEvent.Counted counted) {
            usage = counted.usage();
        } else if (event instanceof UpstreamEvent.Switched switched) {
            // A fallback answers: the done event and the status will name its model.
            servedModel = switched.model().equals(announcedModel) ? null : switched.model();
        }
    }

    private synchronized void attempted(UpstreamEvent.Attempt attempt) {
        attempts.add(attempt);
    }

    /** A piece went out to the followers; only output ({@code counted}) counts as relayed. */
    synchronized void relayed(boolean counted) {
        if (counted) {
            relayed++;
        }
    }

    /** The ending an End or a Failure from the upstream means, as event {@code seq}. */
    synchronized StreamEvent ending(long seq, UpstreamEvent event) {
        return event instanceof UpstreamEvent.Failure failure ? Endings.ofFailure(seq, failure, relayed)
                : Endings.ofEnd(seq, finishReason, relayed, usage, servedModel);
    }

    synchronized StreamEvent.Failure ending(long seq, Deadlines.Fired fired) {
        return Endings.ofDeadline(seq, fired, relayed);
    }

    Deadlines.Progress progress() {
        return new Deadlines.Progress(startedNanos, firstToken, anyPayload, lastPayloadNanos);
    }

    /** The model to show: the one that answered when a fallback did, else the announced one. */
    synchronized String model() {
        return servedModel != null ? servedModel : announcedModel;
    }

    synchronized Usage usage() {
        return usage;
    }

    /**
     * The generation's record for observers (metrics, traces), its upstream side from here and its clients' side
     * from {@code followers}; called once, at the end, with the generation's lock held (it guards the followers).
     */
    synchronized RelayEvent.GenerationEnded ended(String id, Caller owner, String requestModel, StreamEvent last,
                                                  Followers followers, long logBytes) {
        StreamEvent.Done done = last instanceof StreamEvent.Done d ? d : null;
        return new RelayEvent.GenerationEnded(id, owner.id(), owner.keyed(), followers.transport(),
                requestModel != null ? requestModel : announcedModel, model(), startedNanos, firstTokenNanos,
                System.nanoTime(), relayed, done != null ? done.usage() : null,
                last instanceof StreamEvent.Failure failure ? failure.code() : null,
                done != null ? done.finishReason() : null, List.copyOf(attempts), followers.departures(), logBytes,
                usage, endpoint);
    }
}
