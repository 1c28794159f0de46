package io.streamrelay.testing;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.StringReader;

public final class Json {

    private Json() {
    }

    public static JsonObject object(String text) {
        try (var reader = jakarta.json.Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    public static String lastUserContent(String body) {
        JsonArray messages = object(body).getJsonArray("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject message = messages.getJsonObject(i);
            if ("user".equals(message.getString("role"))) {
                return text(message.get("content"));
            }
        }
        return "";
    }

    /** A string content, or its text parts joined by a line feed (what the relay calls a message's text). */
    private static String text(JsonValue content) {
        if (content instanceof jakarta.json.JsonString string) {
            return string.getString();
        }
        StringBuilder text = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (JsonValue part : parts) {
                if (part instanceof JsonObject object && "text".equals(object.getString("type", null))) {
                    text.append(text.isEmpty() ? "" : "\n").append(object.getString("text"));
                }
            }
        }
        return text.toString();
    }

    /** A JSON string literal, escaped the way upstream servers do it. */
    static String quote(String text) {
        return jakarta.json.Json.createValue(text).toString();
    }

    static boolean isNull(JsonValue value) {
        return value == null || value.getValueType() == JsonValue.ValueType.NULL;
    }
}
