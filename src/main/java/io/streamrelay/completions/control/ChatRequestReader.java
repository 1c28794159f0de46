package io.streamrelay.completions.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.json.control.JsonMembers;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.RequestBody;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a client sent into a {@link ChatRequest}, the same way for both transports, or refuses it with a
 * problem before any stream starts. JSON is read here with the one configured Jackson mapper ({@link JsonBody})
 * rather than bound by a JAX-RS provider, so the servlet and the resource accept and refuse exactly the same
 * bodies on every server.
 */
@ApplicationScoped
public class ChatRequestReader {

    private static final int MAX_MODEL_LENGTH = 200;

    @Inject
    RelaySettings settings;

    public ChatRequest fromQuery(String prompt, String model) {
        if (prompt == null || prompt.isBlank()) {
            throw invalid(ErrorCode.MISSING_PROMPT, "the query parameter 'prompt' is required and must not be blank");
        }
        messages().checkLength(prompt.length());
        return new ChatRequest(List.of(new ChatMessage("user", prompt)), model(model), null, null);
    }

    /**
     * The body of every chat endpoint (native and OpenAI's): OpenAI's chat-completions request, or the native
     * {@code prompt} shorthand for one user message; docs/requests.md.
     */
    public ChatRequest fromBody(String contentType, InputStream body) throws IOException {
        requireJson(contentType);
        // Strict decoding first, as before: bad UTF-8 is its own refusal (invalid_encoding), not invalid_json.
        String text = decode(readBounded(body));
        JsonNode value = JsonBody.parse(text);
        if (!value.isObject()) {
            throw invalid(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
        LinkedHashMap<String, String> members;
        try {
            members = JsonMembers.of(text);
        } catch (IOException | RuntimeException cannotHappen) {
            // JsonBody has just read the same text as one object.
            throw invalid(ErrorCode.INVALID_JSON, "the body is not one valid JSON value");
        }
        return fromObject(value, members);
    }

    private ChatRequest fromObject(JsonNode body, LinkedHashMap<String, String> members) {
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
            messages().checkLength(prompt.textValue().length());
            messages = List.of(new ChatMessage("user", prompt.textValue()));
            members = promptAsMessages(members, messages);
        } else if (list != null) {
            messages = messages().read(list);
        } else {
            throw invalid(ErrorCode.MISSING_MESSAGES, "the body needs 'messages' (or 'prompt')");
        }
        choices(body.get("n"));
        JsonNode tools = body.get("tools");
        return new ChatRequest(messages, model(body.get("model")), temperature(body.get("temperature")),
                maxTokens(body, "max_tokens"), maxTokens(body, "max_completion_tokens"), usageAsked(body),
                flag(body.get("stream"), "'stream'"), tools != null && tools.isArray() && !tools.isEmpty(),
                new RequestBody(members));
    }

    private MessagesReader messages() {
        return new MessagesReader(settings.maxMessages(), settings.maxMessageChars());
    }

    /** The native shorthand reaches the upstream as the one user message it stands for, where the client put it. */
    private static LinkedHashMap<String, String> promptAsMessages(Map<String, String> members,
                                                                   List<ChatMessage> messages) {
        LinkedHashMap<String, String> upstream = new LinkedHashMap<>();
        members.forEach((name, json) -> {
            if (name.equals("prompt")) {
                upstream.put("messages", RequestBody.messagesJson(messages));
            } else {
                upstream.put(name, json);
            }
        });
        return upstream;
    }

    /** One generation relays one answer, and the replay log holds one: n above 1 is refused, not dropped. */
    private static void choices(JsonNode n) {
        if (n == null || n.isNull()) {
            return;
        }
        BigDecimal count = n.isNumber() ? n.decimalValue() : null;
        if (count == null || count.scale() != 0 || count.signum() <= 0) {
            throw invalid(ErrorCode.INVALID_REQUEST, "'n' must be a whole number, and 1 is all the relay serves");
        }
        if (count.compareTo(BigDecimal.ONE) > 0) {
            throw invalid(ErrorCode.UNSUPPORTED_PARAMETER, "'n' above 1 is not supported: a generation relays "
                    + "one answer; send n requests instead");
        }
    }

    private static boolean usageAsked(JsonNode body) {
        JsonNode options = body.get("stream_options");
        if (options == null || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw invalid(ErrorCode.INVALID_REQUEST, "'stream_options' must be an object");
        }
        return Boolean.TRUE.equals(flag(options.get("include_usage"), "'stream_options.include_usage'"));
    }

    private static Boolean flag(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid(ErrorCode.INVALID_REQUEST, name + " must be true or false");
        }
        return value.booleanValue();
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

    /**
     * {@code max_tokens} or {@code max_completion_tokens}, each within {@code relay.request.max-tokens}. Whole
     * means scale 0 as written: 10E0 is 10, while 1.0 and 1E1 are refused (JSON-P's isIntegral).
     */
    private Integer maxTokens(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        int max = settings.maxTokens();
        BigDecimal n = value.isNumber() ? value.decimalValue() : null;
        if (n == null || n.scale() != 0 || n.signum() <= 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw invalid(ErrorCode.INVALID_MAX_TOKENS, "'" + name + "' must be a whole number from 1 to " + max);
        }
        return n.intValueExact();
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
