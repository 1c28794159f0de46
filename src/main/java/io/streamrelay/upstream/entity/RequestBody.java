package io.streamrelay.upstream.entity;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client's request body as it came: its top-level members in the client's order, each value as its exact JSON
 * text. The upstream body is written from it, so every field the relay does not own reaches the upstream byte for
 * byte, including fields the relay has never heard of.
 */
public record RequestBody(Map<String, String> members) {

    public RequestBody {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** A body that holds only these messages, as strings (the query form, and callers that have no body). */
    public static RequestBody of(List<ChatMessage> messages) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("messages", messagesJson(messages));
        return new RequestBody(members);
    }

    /** {@code [{"role","content"}...]} with each content as a JSON string. */
    public static String messagesJson(List<ChatMessage> messages) {
        StringBuilder json = new StringBuilder(64).append('[');
        for (ChatMessage message : messages) {
            json.append(json.length() > 1 ? "," : "").append("{\"role\":");
            quote(json, message.role()).append(",\"content\":");
            quote(json, message.content()).append('}');
        }
        return json.append(']').toString();
    }

    /** The exact text of a member's value, or null when the client did not send it. */
    public String json(String name) {
        return members.get(name);
    }

    private static StringBuilder quote(StringBuilder out, String text) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"');
    }
}
