package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.Usage;

/**
 * What one chunk says, of what the relay uses. {@code content}, {@code reasoning} and {@code finishReason} are the
 * first choice's (index 0 or unnumbered); null fields were absent or JSON null. {@code error} is the error the
 * chunk carries, in whichever spelling: a top-level {@code error} object or string, or vLLM's
 * {@code object:"error"} with top-level members; null when there is none. {@code topLevel} is what top-level
 * {@code message}, {@code type} and {@code code} members say (null without any): the error, when the SSE event was
 * named {@code error}.
 */
record Chunk(boolean hasChoices, String content, String reasoning, String finishReason, Usage usage,
             InBandError error, InBandError topLevel, String object) {
}
