package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.ServerSentEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.function.Consumer;

/**
 * Reads one {@code chat.completion.chunk} (or an error in any of the shapes providers send mid-stream) and says
 * what it means. Unknown fields are ignored everywhere, since every provider adds its own.
 */
final class ChunkReader implements Consumer<ServerSentEvent> {

    private final JsonReaderFactory json;
    private final Redaction redaction;
    private final Consumer<UpstreamEvent> events;
    private boolean ended;

    ChunkReader(JsonReaderFactory json, Redaction redaction, Consumer<UpstreamEvent> events) {
        this.json = json;
        this.redaction = redaction;
        this.events = events;
    }

    /** True once {@code [DONE]} or an error ended the stream: later bytes mean nothing. */
    boolean ended() {
        return ended;
    }

    @Override
    public void accept(ServerSentEvent event) {
        if (ended) {
            return;
        }
        String data = event.data();
        if ("[DONE]".equals(data.strip())) {
            ended = true;
            events.accept(new UpstreamEvent.End(true));
            return;
        }
        JsonObject chunk;
        try (JsonReader reader = json.createReader(new StringReader(data))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                fail("upstream_bad_response", "upstream sent a chunk that is not a JSON object", false);
                return;
            }
            chunk = value.asJsonObject();
        } catch (RuntimeException | StackOverflowError e) {
            // Parsson reports nesting beyond its limit as a bare RuntimeException.
            fail("upstream_bad_response", "upstream sent a chunk that is not valid JSON", false);
            return;
        }
        if (isError(event, chunk)) {
            fail("upstream_error", errorMessage(chunk), false);
            return;
        }
        boolean relayed = readChoice(chunk);
        JsonValue usage = chunk.get("usage");
        if (usage != null && usage.getValueType() == JsonValue.ValueType.OBJECT) {
            JsonObject u = usage.asJsonObject();
            int prompt = count(u, "prompt_tokens");
            int completion = count(u, "completion_tokens");
            int total = u.containsKey("total_tokens") ? count(u, "total_tokens") : prompt + completion;
            events.accept(new UpstreamEvent.Counted(new Usage(prompt, completion, total, false)));
            relayed = true;
        }
        if (!relayed && !ended) {
            events.accept(new UpstreamEvent.Progress());
        }
    }

    private boolean readChoice(JsonObject chunk) {
        JsonValue choices = chunk.get("choices");
        if (choices == null || choices.getValueType() != JsonValue.ValueType.ARRAY) {
            return false;
        }
        JsonArray array = choices.asJsonArray();
        // n > 1 is not relayed: the contract is one answer per generation, so only the first choice counts.
        JsonObject choice = null;
        for (JsonValue candidate : array) {
            if (candidate.getValueType() == JsonValue.ValueType.OBJECT) {
                JsonObject c = candidate.asJsonObject();
                JsonValue index = c.get("index");
                if (index == null || !(index instanceof JsonNumber n) || n.intValue() == 0) {
                    choice = c;
                    break;
                }
            }
        }
        if (choice == null) {
            return false;
        }
        boolean relayed = false;
        JsonValue delta = choice.get("delta");
        if (delta != null && delta.getValueType() == JsonValue.ValueType.OBJECT) {
            JsonObject d = delta.asJsonObject();
            String reasoning = text(d, "reasoning_content");
            if (reasoning == null) {
                reasoning = text(d, "reasoning");
            }
            if (reasoning != null && !reasoning.isEmpty()) {
                events.accept(new UpstreamEvent.Reasoning(reasoning));
                relayed = true;
            }
            String content = text(d, "content");
            if (content != null && !content.isEmpty()) {
                events.accept(new UpstreamEvent.Text(content));
                relayed = true;
            }
        }
        String finish = text(choice, "finish_reason");
        if ("error".equals(finish)) {
            // OpenRouter keeps the 200 and reports the failure as a finish reason with an error object.
            fail("upstream_error", errorMessage(chunk), false);
            return true;
        }
        if (finish != null) {
            events.accept(new UpstreamEvent.Finish(finish));
            relayed = true;
        }
        return relayed;
    }

    private static boolean isError(ServerSentEvent event, JsonObject chunk) {
        if ("error".equals(event.event())) {
            return true;
        }
        JsonValue error = chunk.get("error");
        if (error != null && error.getValueType() != JsonValue.ValueType.NULL && !chunk.containsKey("choices")) {
            return true;
        }
        JsonValue object = chunk.get("object");
        return object instanceof JsonString s && "error".equals(s.getString());
    }

    private String errorMessage(JsonObject chunk) {
        JsonValue error = chunk.get("error");
        String message = null;
        if (error != null && error.getValueType() == JsonValue.ValueType.OBJECT) {
            message = text(error.asJsonObject(), "message");
        } else if (error instanceof JsonString s) {
            message = s.getString();
        }
        if (message == null) {
            message = text(chunk, "message");
        }
        return redaction.apply(message == null ? "the upstream reported an error in the stream" : message);
    }

    private void fail(String code, String message, boolean retryable) {
        ended = true;
        events.accept(new UpstreamEvent.Failure(code, message, retryable));
    }

    private static String text(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonString s ? s.getString() : null;
    }

    private static int count(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonNumber n ? n.intValue() : 0;
    }
}
