package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a client sent into a {@link ChatRequest}, the same way for both transports, or refuses it with a
 * problem before any stream starts. JSON is read here with JSON-P rather than bound by a JAX-RS provider, so the
 * servlet and the resource accept and refuse exactly the same bodies on every server.
 */
@ApplicationScoped
public class ChatRequestReader {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final int MAX_MODEL_LENGTH = 200;

    @Inject
    RelaySettings settings;

    private final JsonParserFactory json = Json.createParserFactory(Map.of());

    public ChatRequest fromQuery(String prompt, String model) {
        if (prompt == null || prompt.isBlank()) {
            throw invalid(ErrorCode.MISSING_PROMPT, "the query parameter 'prompt' is required and must not be blank");
        }
        checkLength(prompt);
        return new ChatRequest(List.of(new ChatMessage("user", prompt)), model(model), null, null);
    }

    public ChatRequest fromBody(String contentType, InputStream body) throws IOException {
        requireJson(contentType);
        String text = decode(readBounded(body));
        JsonValue value;
        try (JsonParser parser = json.createParser(new StringReader(text))) {
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new JsonException("content after the JSON value");
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Parsson reports nesting beyond its limit as a bare RuntimeException: every failure here is bad input.
            throw new ProblemException(ErrorCode.INVALID_JSON, "the body is not one valid JSON value");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw invalid(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
        return fromObject(value.asJsonObject());
    }

    private ChatRequest fromObject(JsonObject body) {
        List<ChatMessage> messages;
        JsonValue prompt = body.get("prompt");
        JsonValue list = body.get("messages");
        if (prompt != null && list != null) {
            throw invalid(ErrorCode.INVALID_REQUEST, "give either 'prompt' or 'messages', not both");
        }
        if (prompt != null) {
            if (!(prompt instanceof JsonString p) || p.getString().isBlank()) {
                throw invalid(ErrorCode.INVALID_PROMPT, "'prompt' must be a non-blank string");
            }
            checkLength(p.getString());
            messages = List.of(new ChatMessage("user", p.getString()));
        } else if (list != null) {
            messages = messages(list);
        } else {
            throw invalid(ErrorCode.MISSING_MESSAGES, "the body needs 'messages' (or 'prompt')");
        }
        return new ChatRequest(messages, model(body.get("model")), temperature(body.get("temperature")),
                maxTokens(body.get("max_tokens"), settings.maxTokens()));
    }

    private List<ChatMessage> messages(JsonValue list) {
        if (!(list instanceof JsonArray array) || array.isEmpty()) {
            throw invalid(ErrorCode.INVALID_MESSAGES, "'messages' must be a non-empty array");
        }
        if (array.size() > settings.maxMessages()) {
            throw invalid(ErrorCode.TOO_MANY_MESSAGES, "at most " + settings.maxMessages() + " messages");
        }
        List<ChatMessage> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonValue item = array.get(i);
            if (!(item instanceof JsonObject message)) {
                throw invalid(ErrorCode.INVALID_MESSAGES, "messages[" + i + "] must be an object");
            }
            if (!(message.get("role") instanceof JsonString role) || !ROLES.contains(role.getString())) {
                throw invalid(ErrorCode.INVALID_MESSAGES, "messages[" + i + "].role must be system, user or assistant");
            }
            if (!(message.get("content") instanceof JsonString content)) {
                throw invalid(ErrorCode.INVALID_MESSAGES, "messages[" + i + "].content must be a string");
            }
            checkLength(content.getString());
            messages.add(new ChatMessage(role.getString(), content.getString()));
        }
        return messages;
    }

    private String model(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw invalid(ErrorCode.INVALID_MODEL, "'model' must be a string");
        }
        return model(s.getString());
    }

    private String model(String model) {
        if (model == null) {
            return null;
        }
        if (model.isBlank() || model.length() > MAX_MODEL_LENGTH || model.chars().anyMatch(Character::isISOControl)) {
            throw invalid(ErrorCode.INVALID_MODEL, "'model' must be a non-blank name of at most " + MAX_MODEL_LENGTH
                    + " characters");
        }
        Set<String> allowed = settings.allowedModels();
        if (!allowed.isEmpty() && !allowed.contains(model)) {
            // The list is the operator's, not a secret: naming it saves the client a guess.
            throw invalid(ErrorCode.MODEL_NOT_ALLOWED, "'model' must be one of " + String.join(", ", allowed.stream()
                    .sorted().toList()) + ", or left out");
        }
        return model;
    }

    private static Double temperature(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber n) || n.doubleValue() < 0 || n.doubleValue() > 2) {
            throw invalid(ErrorCode.INVALID_TEMPERATURE, "'temperature' must be a number from 0 to 2");
        }
        return n.doubleValue();
    }

    private static Integer maxTokens(JsonValue value, int max) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber n) || !n.isIntegral() || n.bigDecimalValue().signum() <= 0
                || n.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            throw invalid(ErrorCode.INVALID_MAX_TOKENS, "'max_tokens' must be a whole number from 1 to " + max);
        }
        return n.intValue();
    }

    private void checkLength(String content) {
        if (content.length() > settings.maxMessageChars()) {
            throw invalid(ErrorCode.MESSAGE_TOO_LONG, "a message may have at most " + settings.maxMessageChars()
                    + " characters");
        }
    }

    private static void requireJson(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        String mediaType = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
        if (!mediaType.equals("application/json")) {
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
        }
        if (semicolon >= 0 && type.contains("charset") && !type.replace(" ", "").contains("charset=utf-8")
                && !type.replace(" ", "").contains("charset=\"utf-8\"")) {
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be UTF-8");
        }
    }

    private byte[] readBounded(InputStream body) throws IOException {
        int max = settings.maxBodyBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192));
        byte[] buffer = new byte[8192];
        int read;
        while ((read = body.read(buffer)) >= 0) {
            if (out.size() + read > max) {
                throw new ProblemException(ErrorCode.BODY_TOO_LARGE, "the body may have at most " + max + " bytes");
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProblemException(ErrorCode.INVALID_ENCODING, "the body is not valid UTF-8");
        }
    }

    private static ProblemException invalid(ErrorCode code, String detail) {
        return new ProblemException(code, detail);
    }
}
