package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.UpstreamEvent;

/** The stable code for an HTTP status the upstream answered with instead of a stream. */
final class UpstreamStatus {

    private UpstreamStatus() {
    }

    static UpstreamEvent.Failure failure(int status, String upstreamMessage) {
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
        return new UpstreamEvent.Failure(code, message, retryable);
    }
}
