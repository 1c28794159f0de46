package io.streamrelay.testing;

import jakarta.json.JsonObject;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The two wires and how a test reads events back from each. */
public enum Transport {
    SSE("/api/chat", "text/event-stream"),
    NDJSON("/ndjson/chat", "application/x-ndjson");

    public final String path;
    public final String mediaType;

    Transport(String path, String mediaType) {
        this.path = path;
        this.mediaType = mediaType;
    }

    /** One event as received: its SSE name (or NDJSON type), id (SSE only), JSON, and when its last line came. */
    public record Received(String type, String id, JsonObject json, long nanos) {
    }

    /** POSTs {@link #chatBody} to this transport's chat endpoint. */
    public StreamClient chat(URL base, String prompt) throws IOException {
        return StreamClient.post(base, path, mediaType, "application/json", chatBody(prompt));
    }

    /** An OpenAI-style request body, UTF-8: one user message, nothing else. */
    public static byte[] chatBody(String prompt) {
        return ("{\"messages\":[{\"role\":\"user\",\"content\":" + jakarta.json.Json.createValue(prompt) + "}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    public List<Received> events(List<StreamClient.Line> lines) {
        return this == SSE ? sseEvents(lines) : ndjsonEvents(lines);
    }

    /** Heartbeats seen: the SSE comment or the NDJSON ping object. */
    public long pings(List<StreamClient.Line> lines) {
        return lines.stream().filter(l -> this == SSE ? l.text().equals(": ping")
                : l.text().equals("{\"type\":\"ping\"}")).count();
    }

    private static List<Received> sseEvents(List<StreamClient.Line> lines) {
        List<Received> events = new ArrayList<>();
        String type = null;
        String id = null;
        String data = null;
        for (StreamClient.Line line : lines) {
            String text = line.text();
            if (text.isEmpty()) {
                if (data != null) {
                    events.add(new Received(type == null ? "message" : type, id, Json.object(data), line.nanos()));
                }
                type = null;
                id = null;
                data = null;
            } else if (text.startsWith("event: ")) {
                type = text.substring(7);
            } else if (text.startsWith("id: ")) {
                id = text.substring(4);
            } else if (text.startsWith("data: ")) {
                if (data != null) {
                    throw new AssertionError("one event, two data lines: " + text);
                }
                data = text.substring(6);
            } else if (!text.startsWith(":")) {
                throw new AssertionError("unexpected SSE line: " + text);
            }
        }
        return events;
    }

    private static List<Received> ndjsonEvents(List<StreamClient.Line> lines) {
        List<Received> events = new ArrayList<>();
        for (StreamClient.Line line : lines) {
            JsonObject json = Json.object(line.text());
            String type = json.getString("type");
            if (!type.equals("ping")) {
                events.add(new Received(type, null, json, line.nanos()));
            }
        }
        return events;
    }
}
