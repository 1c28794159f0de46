package io.streamrelay.upstream.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error an upstream reported inside a 200 stream (or in an error body), as it spelled it: {@code type} and
 * {@code code} are the error object's members as text (a numeric code such as vLLM's {@code 500} as its digits),
 * {@code retryAfterMs} a delay the error itself stated (Google's {@code google.rpc.RetryInfo.retryDelay}), or -1.
 * Any of them may be null.
 */
record InBandError(String message, String type, String code, long retryAfterMs) {

    static final InBandError UNSPECIFIED = new InBandError(null, null, null, -1);
    /** google.rpc.RetryInfo's protobuf Duration in JSON: seconds with an optional fraction, then "s". */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,9}))?s");

    /**
     * Classified like the HTTP status it stands for, so a transient one is retried and handed to the fallback
     * before the first token: the first of {@code code}, {@code type} that names a known kind wins; anything else
     * (client errors, unknown words) is {@link ErrorCode#UPSTREAM_ERROR}, which no retry mends.
     * {@code safeMessage} is the message already redacted.
     */
    UpstreamEvent.Failure failure(String safeMessage) {
        ErrorCode kind = kind(code);
        if (kind == null) {
            kind = kind(type);
        }
        if (kind == null) {
            kind = ErrorCode.UPSTREAM_ERROR;
        }
        String text = safeMessage == null || safeMessage.isBlank() ? "the upstream reported an error in the stream"
                : safeMessage;
        return new UpstreamEvent.Failure(kind, text, kind.retryable(), -1, retryAfterMs);
    }

    /** Spellings from OpenAI, DeepSeek, vLLM, OpenRouter, Anthropic-style proxies and Google's gRPC statuses. */
    private static ErrorCode kind(String word) {
        if (word == null || word.isBlank()) {
            return null;
        }
        String w = word.strip().toLowerCase(Locale.ROOT);
        if (w.chars().allMatch(Character::isDigit) && w.length() == 3) {
            int status = Integer.parseInt(w);
            return switch (status) {
                case 429 -> ErrorCode.UPSTREAM_RATE_LIMITED;
                case 503 -> ErrorCode.UPSTREAM_OVERLOADED;
                case 504 -> ErrorCode.UPSTREAM_TIMEOUT;
                default -> status >= 500 && status < 600 ? ErrorCode.UPSTREAM_SERVER_ERROR
                        : status >= 400 && status < 500 ? ErrorCode.UPSTREAM_ERROR : null;
            };
        }
        return switch (w) {
            case "insufficient_quota" -> ErrorCode.UPSTREAM_QUOTA_EXCEEDED;
            case "rate_limit", "rate_limit_exceeded", "rate_limit_error", "too_many_requests", "resource_exhausted"
                    -> ErrorCode.UPSTREAM_RATE_LIMITED;
            case "overloaded", "overloaded_error", "service_unavailable", "service_unavailable_error", "unavailable"
                    -> ErrorCode.UPSTREAM_OVERLOADED;
            case "timeout", "timeout_error", "timed_out", "gateway_timeout", "deadline_exceeded"
                    -> ErrorCode.UPSTREAM_TIMEOUT;
            case "server_error", "internal_error", "internal_server_error", "internalservererror", "api_error",
                 "internal" -> ErrorCode.UPSTREAM_SERVER_ERROR;
            case "invalid_request_error", "badrequesterror", "context_length_exceeded", "content_policy_violation",
                 "content_filter", "invalid_api_key", "authentication_error", "permission_error", "not_found_error"
                    -> ErrorCode.UPSTREAM_ERROR;
            default -> null;
        };
    }

    /** Reads an {@code error} member whose first token is {@code value}: an object, a bare string, or null (no error, as some servers send beside choices). */
    static InBandError read(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value == JsonToken.VALUE_STRING) {
            return new InBandError(json.getText(), null, null, -1);
        }
        if (value != JsonToken.START_OBJECT) {
            json.skipChildren();
            return InBandError.UNSPECIFIED;
        }
        String text = null;
        String kind = null;
        String id = null;
        long retryAfterMs = -1;
        for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
            JsonToken member = json.nextToken();
            switch (name) {
                case "message" -> text = member == JsonToken.VALUE_STRING ? json.getText() : skipText(json);
                case "type" -> kind = text(json, member);
                case "code" -> id = text(json, member);
                case "status" -> kind = kind != null ? kind : text(json, member);
                case "details" -> retryAfterMs = member == JsonToken.START_ARRAY ? retryDelay(json) : skip(json);
                default -> json.skipChildren();
            }
        }
        return new InBandError(text, kind, id, retryAfterMs);
    }

    /** The first {@code retryDelay} among Google's error details, in milliseconds; -1 without one. */
    private static long retryDelay(JsonParser json) throws IOException {
        long found = -1;
        JsonToken element;
        while ((element = json.nextToken()) != JsonToken.END_ARRAY) {
            if (element != JsonToken.START_OBJECT) {
                json.skipChildren();
                continue;
            }
            for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
                JsonToken value = json.nextToken();
                if (name.equals("retryDelay") && value == JsonToken.VALUE_STRING && found < 0) {
                    Matcher duration = DURATION.matcher(json.getText().strip());
                    if (duration.matches()) {
                        String fraction = duration.group(2) == null ? "0" : (duration.group(2) + "00").substring(0, 3);
                        found = Long.parseLong(duration.group(1)) * 1000 + Long.parseLong(fraction);
                    }
                } else {
                    json.skipChildren();
                }
            }
        }
        return found;
    }

    private static long skip(JsonParser json) throws IOException {
        json.skipChildren();
        return -1;
    }

    private static String skipText(JsonParser json) throws IOException {
        json.skipChildren();
        return null;
    }

    private static String text(JsonParser json, JsonToken value) throws IOException {
        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
            return json.getText();
        }
        json.skipChildren();
        return null;
    }

}
