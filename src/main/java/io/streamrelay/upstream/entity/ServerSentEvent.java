package io.streamrelay.upstream.entity;

/** One dispatched event of a text/event-stream, after the WHATWG parsing rules. */
public record ServerSentEvent(String event, String data, String lastEventId) {
}
