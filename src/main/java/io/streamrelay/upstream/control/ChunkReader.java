package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.ServerSentEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads one {@code chat.completion.chunk} (or an error in any of the shapes providers send mid-stream) and says
 * what it means. Unknown fields are ignored everywhere, since every provider adds its own.
 * <p>
 * It alone decides whether an answer is whole: only a {@code finish_reason} says so. A stream that ends without
 * one, by {@code [DONE]}, by closing or by breaking, ends with {@link ErrorCode#UPSTREAM_TRUNCATED} (retryable),
 * never with {@link UpstreamEvent.End}; so a consumer can take every {@code End} as a finished answer.
 */
final class ChunkReader implements Consumer<ServerSentEvent> {

    /** How much of a plain-text error event is passed on: enough to read, too little to carry a page. */
    private static final int MAX_PLAIN_ERROR_CHARS = 300;

    private final Redaction redaction;
    private final Consumer<UpstreamEvent> events;
    private boolean ended;
    private boolean finished;
    /** The highest tool-call index seen, and the latest one: where a fragment without an index belongs. */
    private int highestCall = -1;
    private int latestCall = -1;

    ChunkReader(Redaction redaction, Consumer<UpstreamEvent> events) {
        this.redaction = redaction;
        this.events = events;
    }

    /** True once {@code [DONE]} or an error ended the stream: later bytes mean nothing. */
    boolean ended() {
        return ended;
    }

    /** The body ended ({@code broke}: the connection failed) without {@code [DONE]} or an error before. */
    void closed(boolean broke) {
        if (!ended) {
            end(finished ? new UpstreamEvent.End(false)
                    : truncated(broke ? "the connection broke" : "it closed the stream"));
        }
    }

    @Override
    public void accept(ServerSentEvent event) {
        if (ended) {
            return;
        }
        String data = event.data();
        boolean errorEvent = "error".equals(event.event());
        if (!errorEvent && "[DONE]".equals(data.strip())) {
            end(finished ? new UpstreamEvent.End(true) : truncated("it sent [DONE]"));
            return;
        }
        Chunk chunk;
        try {
            chunk = ChunkJson.read(data);
        } catch (IOException | RuntimeException unreadable) {
            if (errorEvent) {
                // event: error (or an error: line) with plain text, as some proxies send.
                String text = data.strip();
                failed(new InBandError(text.length() > MAX_PLAIN_ERROR_CHARS
                        ? text.substring(0, MAX_PLAIN_ERROR_CHARS) + "…" : text, null, null, -1));
            } else {
                end(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_BAD_RESPONSE,
                        unreadable instanceof ChunkJson.NotAnObject ? "upstream sent a chunk that is not a JSON object"
                                : "upstream sent a chunk that is not valid JSON", false));
            }
            return;
        }
        if (errorEvent || (chunk.error() != null && !chunk.hasChoices()) || "error".equals(chunk.object())) {
            failed(chunk.error() != null ? chunk.error()
                    : chunk.topLevel() != null ? chunk.topLevel() : InBandError.UNSPECIFIED);
            return;
        }
        relay(chunk);
    }

    private void relay(Chunk chunk) {
        boolean relayed = false;
        if (chunk.reasoning() != null && !chunk.reasoning().isEmpty()) {
            events.accept(new UpstreamEvent.Reasoning(chunk.reasoning()));
            relayed = true;
        }
        if (chunk.content() != null && !chunk.content().isEmpty()) {
            events.accept(new UpstreamEvent.Text(chunk.content()));
            relayed = true;
        }
        if (chunk.refusal() != null && !chunk.refusal().isEmpty()) {
            events.accept(new UpstreamEvent.Refusal(chunk.refusal()));
            relayed = true;
        }
        if (chunk.toolCalls() != null) {
            relayed |= toolCalls(chunk);
        }
        if (chunk.logprobs() != null) {
            events.accept(new UpstreamEvent.Logprobs(chunk.logprobs()));
            relayed = true;
        }
        if ("error".equals(chunk.finishReason())) {
            // OpenRouter keeps the 200 and reports the failure as a finish reason with an error object.
            failed(chunk.error() != null ? chunk.error() : InBandError.UNSPECIFIED);
            return;
        }
        if (chunk.finishReason() != null) {
            finished = true;
            events.accept(new UpstreamEvent.Finish(chunk.finishReason()));
            relayed = true;
        }
        if (chunk.usage() != null) {
            events.accept(new UpstreamEvent.Counted(chunk.usage()));
            relayed = true;
        }
        if (!relayed) {
            events.accept(new UpstreamEvent.Progress());
        }
    }

    /**
     * Each fragment as sent, in order; one that adds nothing (no id, no name, no arguments) is not passed on. An
     * index is kept as the upstream gave it, however odd (all 0, starting at 1: clients key calls by it, and
     * renumbering would merge or split calls the upstream meant otherwise). Only a fragment without one (Ollama
     * sends each call whole, unnumbered) is placed: with an id it opens the next call, without one it continues
     * the latest.
     */
    private boolean toolCalls(Chunk chunk) {
        boolean relayed = false;
        for (UpstreamEvent.ToolCall call : chunk.toolCalls()) {
            if (call.id() == null && call.name() == null && (call.arguments() == null || call.arguments().isEmpty())) {
                continue;
            }
            int index = call.index() >= 0 ? call.index()
                    : call.id() != null || latestCall < 0 ? highestCall + 1 : latestCall;
            highestCall = Math.max(highestCall, index);
            latestCall = index;
            events.accept(index == call.index() ? call
                    : new UpstreamEvent.ToolCall(index, call.id(), call.name(), call.arguments()));
            relayed = true;
        }
        return relayed;
    }

    private void failed(InBandError error) {
        end(error.failure(redaction.apply(error.message())));
    }

    private static UpstreamEvent.Failure truncated(String how) {
        return new UpstreamEvent.Failure(ErrorCode.UPSTREAM_TRUNCATED,
                "the upstream ended the answer without a finish_reason (" + how + ")", true);
    }

    private void end(UpstreamEvent event) {
        ended = true;
        events.accept(event);
    }
}
