package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The generation's ear on the upstream: passes the pieces of the answer on, and remembers what else the upstream
 * said (finish reason, usage, the model that served it, when it last sent a payload), from which the ending is
 * decided. Upstream threads call it; the timer reads the progress.
 */
final class Answer implements Consumer<UpstreamEvent> {

    /** Where the answer goes: its pieces, and its ending as a function of the next seq. */
    interface Relay {
        void piece(String text, boolean reasoning);

        void finish(LongFunction<StreamEvent> ending);
    }

    private final Relay relay;
    private final long startedNanos = System.nanoTime();
    private volatile boolean firstToken;
    private volatile boolean anyPayload;
    private volatile long lastPayloadNanos;
    private String announcedModel;
    private String servedModel;
    private String finishReason;
    private Usage usage;
    private int relayed;

    Answer(Relay relay) {
        this.relay = relay;
    }

    synchronized void announced(String model) {
        announcedModel = model;
    }

    @Override
    public void accept(UpstreamEvent event) {
        if (event instanceof UpstreamEvent.End || event instanceof UpstreamEvent.Failure) {
            relay.finish(seq -> ending(seq, event));
            return;
        }
        if (!(event instanceof UpstreamEvent.Switched)) {
            // Any payload is progress; keep-alive comments never get here.
            lastPayloadNanos = System.nanoTime();
            anyPayload = true;
        }
        if (event instanceof UpstreamEvent.Text text) {
            firstToken = true;
            relay.piece(text.text(), false);
        } else if (event instanceof UpstreamEvent.Reasoning reasoning) {
            firstToken = true;
            relay.piece(reasoning.text(), true);
        } else {
            note(event);
        }
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

    /** A piece went out to the followers. */
    synchronized void relayed() {
        relayed++;
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
}
