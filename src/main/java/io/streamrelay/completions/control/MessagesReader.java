package io.streamrelay.completions.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code messages} against OpenAI's chat-completions shapes (docs/requests.md) and the message bounds of
 * issue 5. Only what the relay must understand is checked; every other member of a message or a part (a
 * {@code name}, a vendor's extra) passes on as sent. A content part of a type the relay does not know passes too:
 * providers keep adding types ({@code refusal} in assistant content, vLLM's {@code video_url}), the upstream is
 * the one that knows what it takes, and refusing them here would block exactly the clients the relay serves.
 * <p>
 * The length bound counts the text a model reads: string contents, {@code text} and {@code refusal} parts, and a
 * tool call's name and arguments. Images, audio and files do not count (a {@code data:} URI of a photo would
 * exceed it at once); the body bound ({@code relay.request.max-bytes}) bounds them.
 */
final class MessagesReader {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private final int maxMessages;
    private final int maxChars;

    MessagesReader(int maxMessages, int maxChars) {
        this.maxMessages = maxMessages;
        this.maxChars = maxChars;
    }

    List<ChatMessage> read(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            throw invalid("'messages' must be a non-empty array");
        }
        if (array.size() > maxMessages) {
            throw new ProblemException(ErrorCode.TOO_MANY_MESSAGES, "at most " + maxMessages + " messages");
        }
        List<ChatMessage> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            messages.add(message(array.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    /** A prompt or a query's text: the length bound of a message. */
    void checkLength(long chars) {
        if (chars > maxChars) {
            throw new ProblemException(ErrorCode.MESSAGE_TOO_LONG, "a message may have at most " + maxChars
                    + " characters (text, text parts and tool-call arguments counted)");
        }
    }

    private ChatMessage message(JsonNode message, String at) {
        if (!message.isObject()) {
            throw invalid(at + " must be an object");
        }
        String role = message.path("role").textValue();
        if (role == null || !ROLES.contains(role)) {
            throw invalid(at + ".role must be system, developer, user, assistant or tool");
        }
        JsonNode content = message.get("content");
        boolean assistant = role.equals("assistant");
        StringBuilder text = new StringBuilder();
        long chars = 0;
        if (content == null || content.isNull()) {
            if (!assistant) {
                throw invalid(at + ".content is required for a " + role + " message");
            }
        } else {
            chars += content(content, at + ".content", text);
        }
        if (assistant) {
            chars += toolCalls(message.get("tool_calls"), at + ".tool_calls");
        }
        if (role.equals("tool")) {
            JsonNode id = message.get("tool_call_id");
            if (id == null || !id.isTextual() || id.textValue().isBlank()) {
                throw invalid(at + ".tool_call_id must be the non-blank id of the call it answers");
            }
        }
        checkLength(chars);
        return new ChatMessage(role, text.toString());
    }

    /** A string, or a non-empty array of parts; returns the characters it counts, its text appended to {@code text}. */
    private static long content(JsonNode content, String at, StringBuilder text) {
        if (content.isTextual()) {
            text.append(content.textValue());
            return content.textValue().length();
        }
        if (!content.isArray() || content.isEmpty()) {
            throw invalid(at + " must be a string or a non-empty array of parts");
        }
        long chars = 0;
        for (int i = 0; i < content.size(); i++) {
            String piece = part(content.get(i), at + "[" + i + "]");
            if (piece != null) {
                text.append(text.isEmpty() ? "" : "\n").append(piece);
                chars += piece.length();
            }
        }
        return chars;
    }

    /** Checks a part's shape; returns its text for a text or refusal part, else null. */
    private static String part(JsonNode part, String at) {
        String type = part.isObject() ? part.path("type").textValue() : null;
        if (type == null) {
            throw invalid(at + " must be an object with a string 'type'");
        }
        switch (type) {
            case "text", "refusal" -> {
                return string(part, type, at);
            }
            case "image_url" -> {
                JsonNode image = object(part, "image_url", at);
                string(image, "url", at + ".image_url");
                optionalString(image, "detail", at + ".image_url");
            }
            case "input_audio" -> {
                JsonNode audio = object(part, "input_audio", at);
                string(audio, "data", at + ".input_audio");
                string(audio, "format", at + ".input_audio");
            }
            case "file" -> {
                JsonNode file = object(part, "file", at);
                for (String name : List.of("file_data", "file_id", "filename")) {
                    optionalString(file, name, at + ".file");
                }
            }
            default -> {
                // Passed on: see the class comment.
            }
        }
        return null;
    }

    /** An assistant's {@code tool_calls}: absent, null, or a non-empty array of calls; returns the chars counted. */
    private static long toolCalls(JsonNode calls, String at) {
        if (calls == null || calls.isNull()) {
            return 0;
        }
        if (!calls.isArray() || calls.isEmpty()) {
            throw invalid(at + " must be a non-empty array of calls");
        }
        long chars = 0;
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String here = at + "[" + i + "]";
            if (!call.isObject()) {
                throw invalid(here + " must be an object");
            }
            if (string(call, "id", here).isBlank()) {
                throw invalid(here + ".id must not be blank");
            }
            // Other kinds of calls (OpenAI's "custom") pass as they are; a function call must be whole.
            if (string(call, "type", here).equals("function")) {
                JsonNode function = object(call, "function", here);
                String name = string(function, "name", here + ".function");
                if (name.isBlank()) {
                    throw invalid(here + ".function.name must not be blank");
                }
                chars += name.length() + string(function, "arguments", here + ".function").length();
            }
        }
        return chars;
    }

    private static JsonNode object(JsonNode parent, String name, String at) {
        JsonNode value = parent.get(name);
        if (value == null || !value.isObject()) {
            throw invalid(at + "." + name + " must be an object");
        }
        return value;
    }

    private static String string(JsonNode parent, String name, String at) {
        JsonNode value = parent.get(name);
        if (value == null || !value.isTextual()) {
            throw invalid(at + "." + name + " must be a string");
        }
        return value.textValue();
    }

    private static void optionalString(JsonNode parent, String name, String at) {
        JsonNode value = parent.get(name);
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw invalid(at + "." + name + " must be a string");
        }
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ErrorCode.INVALID_MESSAGES, detail);
    }
}
