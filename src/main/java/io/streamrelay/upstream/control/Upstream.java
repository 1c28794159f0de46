package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.util.function.Consumer;

/** A source of generations: the OpenAI-compatible HTTP upstream or the built-in offline model. */
public interface Upstream {

    /** The model name announced in the {@code start} event, before the upstream has answered. */
    String modelFor(ChatRequest request);

    /**
     * Starts a generation. Events arrive on the upstream's threads, one at a time and in order, ending with
     * {@link UpstreamEvent.End} or {@link UpstreamEvent.Failure}; nothing follows those.
     */
    UpstreamCall open(ChatRequest request, Consumer<UpstreamEvent> events);

    /** The running generation; cancelling it closes the upstream connection, which stops the paid generation. */
    interface UpstreamCall {
        void cancel();
    }
}
