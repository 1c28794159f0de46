package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.ServerSentEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

import java.util.function.Consumer;

/**
 * Reads one {@code chat.completion.chunk} (or an error in any of the shapes providers send mid-stream) and says
 * what it means. Unknown fields are ignored everywhere, since every provider adds its own.
 */
final class ChunkReader implements Consumer<ServerSentEvent> {

    private final Redaction redaction;
    private final Consumer<UpstreamEvent> events;
    private boolean ended;

    ChunkReader(Redaction redaction, Consumer<UpstreamEvent> events) {
        this.redaction = redaction;
        this.events = events;
    }

    /** True once {@code [DONE]} or an error ended the stream: later bytes mean nothing. */
    boolean ended() {
        return ended;
    }

    @Override
    public void accept(ServerSentEvent event) {
        if (ended) {
            return;
        }
        String data = event.data();
        if ("[DONE]".equals(data.strip())) {
            ended = true;
            events.accept(new UpstreamEvent.End(true));
            return;
        }
        ChunkScanner.Chunk chunk;
        try {
            chunk = ChunkScanner.read(data);
        } catch (ChunkScanner.NotAnObject e) {
            fail(ErrorCode.UPSTREAM_BAD_RESPONSE, "upstream sent a chunk that is not a JSON object", false);
            return;
        } catch (RuntimeException e) {
            fail(ErrorCode.UPSTREAM_BAD_RESPONSE, "upstream sent a chunk that is not valid JSON", false);
            return;
        }
        if ("error".equals(event.event()) || (chunk.hasError() && !chunk.hasChoices())
                || "error".equals(chunk.object())) {
            fail(ErrorCode.UPSTREAM_ERROR, errorMessage(chunk), false);
            return;
        }
        boolean relayed = false;
        if (chunk.reasoning() != null && !chunk.reasoning().isEmpty()) {
            events.accept(new UpstreamEvent.Reasoning(chunk.reasoning()));
            relayed = true;
        }
        if (chunk.content() != null && !chunk.content().isEmpty()) {
            events.accept(new UpstreamEvent.Text(chunk.content()));
            relayed = true;
        }
        if ("error".equals(chunk.finishReason())) {
            // OpenRouter keeps the 200 and reports the failure as a finish reason with an error object.
            fail(ErrorCode.UPSTREAM_ERROR, errorMessage(chunk), false);
            return;
        }
        if (chunk.finishReason() != null) {
            events.accept(new UpstreamEvent.Finish(chunk.finishReason()));
            relayed = true;
        }
        if (chunk.hasUsage()) {
            events.accept(new UpstreamEvent.Counted(new Usage(chunk.promptTokens(), chunk.completionTokens(),
                    chunk.totalTokens(), false)));
            relayed = true;
        }
        if (!relayed) {
            events.accept(new UpstreamEvent.Progress());
        }
    }

    private String errorMessage(ChunkScanner.Chunk chunk) {
        String message = chunk.errorMessage() != null ? chunk.errorMessage() : chunk.message();
        return redaction.apply(message == null ? "the upstream reported an error in the stream" : message);
    }

    private void fail(ErrorCode code, String message, boolean retryable) {
        ended = true;
        events.accept(new UpstreamEvent.Failure(code, message, retryable));
    }
}
