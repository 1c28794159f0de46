package io.streamrelay.openai.control;

import io.streamrelay.completions.entity.JsonText;
import io.streamrelay.problems.entity.ErrorCode;

/**
 * The one mapping from the relay's ErrorCode to OpenAI's error body {@code {"error":{"message","type","code",
 * "param"}}}: {@code code} is the relay's slug, {@code type} OpenAI's vocabulary (what its SDKs and docs use, by
 * status: 401 authentication_error, 403 permission_error, 429 rate_limit_error or insufficient_quota, other 4xx
 * invalid_request_error, 5xx server_error), {@code param} the request field at fault when known.
 */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    public static String type(ErrorCode code) {
        if (code == ErrorCode.UPSTREAM_QUOTA_EXCEEDED) {
            return "insufficient_quota";
        }
        int status = code.status();
        if (status == 401) {
            return "authentication_error";
        }
        if (status == 403) {
            return "permission_error";
        }
        if (status == 429) {
            return "rate_limit_error";
        }
        return status < 500 ? "invalid_request_error" : "server_error";
    }

    /** The request field a refusal is about, or null. */
    public static String param(ErrorCode code) {
        return switch (code) {
            case INVALID_MODEL, MODEL_NOT_ALLOWED -> "model";
            case MISSING_MESSAGES, INVALID_MESSAGES, TOO_MANY_MESSAGES, MESSAGE_TOO_LONG -> "messages";
            case INVALID_TEMPERATURE -> "temperature";
            case INVALID_MAX_TOKENS -> "max_tokens";
            default -> null;
        };
    }

    /** The body for a code; an unknown slug (a container status the enum has no constant for) is a server_error. */
    public static String body(String slug, int status, String message) {
        ErrorCode code = ErrorCode.of(slug);
        String type = code != null ? type(code)
                : status == 429 ? "rate_limit_error" : status < 500 ? "invalid_request_error" : "server_error";
        return body(type, slug, code == null ? null : param(code), message);
    }

    public static String body(ErrorCode code, String message) {
        return body(type(code), code.code(), param(code), message);
    }

    private static String body(String type, String slug, String param, String message) {
        StringBuilder out = new StringBuilder(128).append("{\"error\":{\"message\":");
        JsonText.quote(out, message).append(",\"type\":");
        JsonText.quote(out, type).append(",\"code\":");
        JsonText.quote(out, slug).append(",\"param\":");
        return JsonText.quote(out, param).append("}}").toString();
    }
}
