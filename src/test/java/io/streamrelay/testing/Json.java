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
                return message.getString("content");
            }
        }
        return "";
    }

    /** A JSON string literal, escaped the way upstream servers do it. */
    static String quote(String text) {
        return jakarta.json.Json.createValue(text).toString();
    }

    static boolean isNull(JsonValue value) {
        return value == null || value.getValueType() == JsonValue.ValueType.NULL;
    }
}
