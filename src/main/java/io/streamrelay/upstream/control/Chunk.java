package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

import java.util.List;

/**
 * What one chunk says, of what the relay uses. {@code content}, {@code reasoning}, {@code refusal},
 * {@code toolCalls} (the delta's fragments, index -1 where the upstream gave none), {@code logprobs} (its JSON text)
 * and {@code finishReason} are the first choice's (index 0 or unnumbered); null fields were absent or JSON null. {@code error} is the error the
 * chunk carries, in whichever spelling: a top-level {@code error} object or string, or vLLM's
 * {@code object:"error"} with top-level members; null when there is none. {@code topLevel} is what top-level
 * {@code message}, {@code type} and {@code code} members say (null without any): the error, when the SSE event was
 * named {@code error}.
 */
record Chunk(boolean hasChoices, String content, String reasoning, String refusal,
             List<UpstreamEvent.ToolCall> toolCalls, String logprobs, String finishReason, Usage usage,
             InBandError error, InBandError topLevel, String object) {
}
