package io.streamrelay.completions.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns what a client sent into a {@link ChatRequest}, the same way for both transports, or refuses it with a
 * problem before any stream starts. JSON is read here with the one configured Jackson mapper ({@link JsonBody})
 * rather than bound by a JAX-RS provider, so the servlet and the resource accept and refuse exactly the same
 * bodies on every server.
 */
@ApplicationScoped
public class ChatRequestReader {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final int MAX_MODEL_LENGTH = 200;

    @Inject
    RelaySettings settings;

    public ChatRequest fromQuery(String prompt, String model) {
        if (prompt == null || prompt.isBlank()) {
            throw invalid(ErrorCode.MISSING_PROMPT, "the query parameter 'prompt' is required and must not be blank");
        }
        checkLength(prompt);
        return new ChatRequest(List.of(new ChatMessage("user", prompt)), model(model), null, null);
    }

    public ChatRequest fromBody(String contentType, InputStream body) throws IOException {
        requireJson(contentType);
        // Strict decoding first, as before: bad UTF-8 is its own refusal (invalid_encoding), not invalid_json.
        JsonNode value = JsonBody.parse(decode(readBounded(body)));
        if (!value.isObject()) {
            throw invalid(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
        return fromObject(value);
    }

    private ChatRequest fromObject(JsonNode body) {
        List<ChatMessage> messages;
        JsonNode prompt = body.get("prompt");
        JsonNode list = body.get("messages");
        if (prompt != null && list != null) {
            throw invalid(ErrorCode.INVALID_REQUEST, "give either 'prompt' or 'messages', not both");
        }
        if (prompt != null) {
            if (!prompt.isTextual() || prompt.textValue().isBlank()) {
                throw invalid(ErrorCode.INVALID_PROMPT, "'prompt' must be a non-blank string");
            }
            checkLength(prompt.textValue());
            messages = List.of(new ChatMessage("user", prompt.textValue()));
        } else if (list != null) {
            messages = messages(list);
        } else {
            throw invalid(ErrorCode.MISSING_MESSAGES, "the body needs 'messages' (or 'prompt')");
        }
        return new ChatRequest(messages, model(body.get("model")), temperature(body.get("temperature")),
                maxTokens(body.get("max_tokens"), settings.maxTokens()));
    }

    private List<ChatMessage> messages(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            throw invalid(ErrorCode.INVALID_MESSAGES, "'messages' must be a non-empty array");
        }
        if (array.size() > settings.maxMessages()) {
            throw invalid(ErrorCode.TOO_MANY_MESSAGES, "at most " + settings.maxMessages() + " messages");
        }
        List<ChatMessage> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode message = array.get(i);
            if (!message.isObject()) {
                throw invalid(ErrorCode.INVALID_MESSAGES, "messages[" + i + "] must be an object");
            }
            String role = message.path("role").textValue();
            if (role == null || !ROLES.contains(role)) {
                throw invalid(ErrorCode.INVALID_MESSAGES, "messages[" + i + "].role must be system, user or assistant");
            }
            String content = message.path("content").textValue();
            if (content == null) {
                throw invalid(ErrorCode.INVALID_MESSAGES, "messages[" + i + "].content must be a string");
            }
            checkLength(content);
            messages.add(new ChatMessage(role, content));
        }
        return messages;
    }

    private String model(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(ErrorCode.INVALID_MODEL, "'model' must be a string");
        }
        return model(value.textValue());
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

    /** The exact decimal's nearest double, so 2.0000000000000000001 is 2.0 and 1e400 is above 2. */
    private static Double temperature(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        double t = value.isNumber() ? value.decimalValue().doubleValue() : Double.NaN;
        if (!(t >= 0 && t <= 2)) {
            throw invalid(ErrorCode.INVALID_TEMPERATURE, "'temperature' must be a number from 0 to 2");
        }
        return t;
    }

    /** Whole means scale 0 as written: 10E0 is 10, while 1.0 and 1E1 are refused (JSON-P's isIntegral). */
    private static Integer maxTokens(JsonNode value, int max) {
        if (value == null || value.isNull()) {
            return null;
        }
        BigDecimal n = value.isNumber() ? value.decimalValue() : null;
        if (n == null || n.scale() != 0 || n.signum() <= 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw invalid(ErrorCode.INVALID_MAX_TOKENS, "'max_tokens' must be a whole number from 1 to " + max);
        }
        return n.intValueExact();
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
