package io.streamrelay.openai.entity;

/**
 * What the client of {@code /v1/chat/completions} chose about the answer's shape: {@code stream} (OpenAI's default
 * false: one {@code chat.completion}) and {@code stream_options.include_usage} (the usage chunk before
 * {@code [DONE]}).
 */
public record V1Options(boolean stream, boolean includeUsage) {
}
