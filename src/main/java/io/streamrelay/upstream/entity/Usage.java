package io.streamrelay.upstream.entity;

/**
 * Token counts; {@code estimated} when the upstream never reported them and the relay counted what it relayed.
 * {@code reasoningTokens} (part of the completion, {@code completion_tokens_details.reasoning_tokens}) and
 * {@code cachedTokens} (part of the prompt, {@code prompt_tokens_details.cached_tokens} or DeepSeek's
 * {@code prompt_cache_hit_tokens}) are 0 when the upstream did not say.
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, boolean estimated, int reasoningTokens,
                    int cachedTokens) {

    public Usage(int promptTokens, int completionTokens, int totalTokens, boolean estimated) {
        this(promptTokens, completionTokens, totalTokens, estimated, 0, 0);
    }
}
