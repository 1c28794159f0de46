package io.streamrelay.upstream.entity;

public record ChatMessage(String role, String content) {
}
