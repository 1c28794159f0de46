package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;

/** The stable code for an HTTP status the upstream answered with instead of a stream. */
final class UpstreamStatus {

    private UpstreamStatus() {
    }

    static UpstreamEvent.Failure failure(int status, String upstreamMessage) {
        return failure(status, upstreamMessage, -1);
    }

    static UpstreamEvent.Failure failure(int status, String upstreamMessage, long retryAfterMs) {
        return failure(status, upstreamMessage, retryAfterMs, null);
    }

    /**
     * {@code upstreamCode} is the error object's own code: OpenAI answers 429 both for a rate limit (wait and
     * retry) and for an exhausted quota ({@code insufficient_quota}), which no retry mends.
     */
    static UpstreamEvent.Failure failure(int status, String upstreamMessage, long retryAfterMs,
                                         String upstreamCode) {
        if (status == 429 && "insufficient_quota".equals(upstreamCode)) {
            return new UpstreamEvent.Failure(ErrorCode.UPSTREAM_QUOTA_EXCEEDED, "upstream answered HTTP 429"
                    + (upstreamMessage == null || upstreamMessage.isBlank() ? "" : ": " + upstreamMessage), false,
                    status, retryAfterMs);
        }
        ErrorCode code = switch (status) {
            case 400 -> ErrorCode.UPSTREAM_BAD_REQUEST;
            case 401 -> ErrorCode.UPSTREAM_UNAUTHORIZED;
            case 402 -> ErrorCode.UPSTREAM_PAYMENT_REQUIRED;
            case 403 -> ErrorCode.UPSTREAM_FORBIDDEN;
            case 404 -> ErrorCode.UPSTREAM_NOT_FOUND;
            case 422 -> ErrorCode.UPSTREAM_INVALID_PARAMETERS;
            case 429 -> ErrorCode.UPSTREAM_RATE_LIMITED;
            case 500 -> ErrorCode.UPSTREAM_SERVER_ERROR;
            case 503 -> ErrorCode.UPSTREAM_OVERLOADED;
            case 502, 504 -> ErrorCode.UPSTREAM_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.UPSTREAM_SERVER_ERROR : ErrorCode.UPSTREAM_REJECTED;
        };
        boolean retryable = status == 429 || status >= 500;
        String message = "upstream answered HTTP " + status
                + (upstreamMessage == null || upstreamMessage.isBlank() ? "" : ": " + upstreamMessage);
        return new UpstreamEvent.Failure(code, message, retryable, status, retryAfterMs);
    }

    /**
     * Retry-After in milliseconds: delay-seconds or an HTTP date (RFC 9110); -1 when absent or unreadable. A date
     * in the past means now.
     */
    static long retryAfterMs(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String value = header.strip();
        if (value.matches("\\d{1,9}")) {
            return Long.parseLong(value) * 1000;
        }
        try {
            long at = java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().toEpochMilli();
            return Math.max(0, at - nowMillis);
        } catch (java.time.format.DateTimeParseException unreadable) {
            return -1;
        }
    }
}
