package io.streamrelay.upstream.control;

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
            return new UpstreamEvent.Failure("upstream_quota_exceeded", "upstream answered HTTP 429"
                    + (upstreamMessage == null || upstreamMessage.isBlank() ? "" : ": " + upstreamMessage), false,
                    status, retryAfterMs);
        }
        String code = switch (status) {
            case 400 -> "upstream_bad_request";
            case 401 -> "upstream_unauthorized";
            case 402 -> "upstream_payment_required";
            case 403 -> "upstream_forbidden";
            case 404 -> "upstream_not_found";
            case 422 -> "upstream_invalid_parameters";
            case 429 -> "upstream_rate_limited";
            case 500 -> "upstream_server_error";
            case 503 -> "upstream_overloaded";
            case 502, 504 -> "upstream_unavailable";
            default -> status >= 500 ? "upstream_server_error" : "upstream_rejected";
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
