package io.streamrelay.upstream.entity;

/** Token counts; {@code estimated} when the upstream never reported them and the relay counted what it relayed. */
public record Usage(int promptTokens, int completionTokens, int totalTokens, boolean estimated) {
}
