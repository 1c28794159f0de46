package io.streamrelay.problems.entity;

import java.util.Locale;

/**
 * Every wire error code the relay sends: in a problem body before a stream ({@link Phase#REQUEST}), in a terminal
 * {@code error} event once a stream has started ({@link Phase#STREAM}), or either. {@link #status()} is the HTTP
 * status of the refusal, and the status an answer that never became a stream gets (a non-streamed request on
 * {@code /v1}); {@link #retryable()} is the default that a terminal event reports. {@code docs/errors.md} is rendered
 * from this enum, and a test fails when the two differ.
 */
public enum ErrorCode {

    // Refusals before a stream.
    INVALID_JSON(400, false, Phase.REQUEST, "Malformed JSON", "the body is not one valid JSON value"),
    INVALID_ENCODING(400, false, Phase.REQUEST, "Invalid UTF-8", "the body or a header is not valid UTF-8"),
    INVALID_QUERY(400, false, Phase.REQUEST, "Malformed query string",
            "a query string with a broken percent-escape, an encoded NUL, or bytes that are not UTF-8, on any path"),
    INVALID_LAST_EVENT_ID(400, false, Phase.REQUEST, "Malformed Last-Event-ID",
            "a `Last-Event-ID` that is not `<generation>:<seq>`"),
    INVALID_AFTER(400, false, Phase.REQUEST, "Malformed after", "an `after` that is not a sequence number"),
    BAD_REQUEST(400, false, Phase.REQUEST, "Bad request",
            "a request line or header block the relay cannot take: no HTTP version (HTTP/0.9), a raw control, DEL or "
                    + "non-ASCII byte in the target, two `Host` headers, a header name that is not a token; or a "
                    + "400 the container decided itself"),
    UNEXPECTED_BODY(400, false, Phase.REQUEST, "Unexpected body",
            "a `GET`, `HEAD`, `DELETE`, `OPTIONS` or `TRACE` request with a body (`Content-Length` above 0 or "
                    + "`Transfer-Encoding`)"),
    UNAUTHORIZED(401, false, Phase.REQUEST, "Unauthorized",
            "keys are on and the request has no valid `Authorization: Bearer` key (`WWW-Authenticate` says so)"),
    FORBIDDEN(403, false, Phase.REQUEST, "Forbidden", "a request the container refused itself (an encoded slash)"),
    NOT_ADMIN(403, false, Phase.REQUEST, "Admin key required",
            "keys are on and the status data (`/api/status/metrics`) was asked for with a key not in `relay.admin-keys`"
                    + ", or another key's usage (`GET /api/usage?key=`)"),
    ORIGIN_NOT_ALLOWED(403, false, Phase.REQUEST, "Origin not allowed",
            "a page on an origin not in `RELAY_CORS_ORIGINS` (preflight or request)"),
    INVALID_RANGE(400, false, Phase.REQUEST, "Malformed usage range",
            "`GET /api/usage` with a `from` or `to` that is not an ISO date (`2026-11-30`), or `from` after `to`"),
    UNKNOWN_GENERATION(404, false, Phase.REQUEST, "Unknown generation",
            "no such generation, expired, or another key's"),
    NOT_FOUND(404, false, Phase.REQUEST, "Not found", "no such endpoint"),
    METHOD_NOT_ALLOWED(405, false, Phase.REQUEST, "Method not allowed", "wrong method (`Allow` lists the right ones)"),
    NOT_ACCEPTABLE(406, false, Phase.REQUEST, "Not acceptable", "an `Accept` the endpoint cannot answer"),
    BODY_TOO_LARGE(413, false, Phase.REQUEST, "Request body too large", "body over `relay.request.max-bytes`"),
    UNSUPPORTED_MEDIA_TYPE(415, false, Phase.REQUEST, "Unsupported media type",
            "anything but `application/json`, or a charset other than UTF-8"),
    INVALID_REQUEST(422, false, Phase.REQUEST, "Invalid request", "a body that is not an object, or says the wrong thing: `prompt` and `messages` together, an `n`, `stream` or "
                    + "`stream_options` of the wrong type"),
    MISSING_MESSAGES(422, false, Phase.REQUEST, "Invalid request", "no `messages` (and no `prompt`)"),
    INVALID_MESSAGES(422, false, Phase.REQUEST, "Invalid request",
            "a message of the wrong shape or role, a content part or tool call of the wrong shape (docs/requests.md)"),
    TOO_MANY_MESSAGES(422, false, Phase.REQUEST, "Invalid request", "more than `relay.request.max-messages`"),
    MESSAGE_TOO_LONG(422, false, Phase.REQUEST, "Invalid request", "a message over `relay.request.max-message-chars`"),
    INVALID_PROMPT(422, false, Phase.REQUEST, "Invalid request", "a `prompt` that is not a non-blank string"),
    MISSING_PROMPT(422, false, Phase.REQUEST, "Invalid request", "GET without a `prompt` parameter"),
    INVALID_MODEL(422, false, Phase.REQUEST, "Invalid request", "a `model` that is not a short non-blank string"),
    MODEL_NOT_ALLOWED(422, false, Phase.REQUEST, "Invalid request", "a `model` outside `relay.request.allowed-models`"),
    INVALID_TEMPERATURE(422, false, Phase.REQUEST, "Invalid request", "a `temperature` outside 0–2"),
    INVALID_MAX_TOKENS(422, false, Phase.REQUEST, "Invalid request",
            "a `max_tokens` or `max_completion_tokens` outside 1–`relay.request.max-tokens`"),
    UNSUPPORTED_PARAMETER(400, false, Phase.REQUEST, "Unsupported parameter",
            "`n` above 1: a generation relays one answer (send one request per answer)"),
    CLIENT_ERROR(400, false, Phase.REQUEST, "Request refused", "any other refusal the container makes itself"),
    RATE_LIMITED(429, true, Phase.REQUEST, "Too many requests",
            "over `relay.limit.requests-per-minute`; `Retry-After` in seconds"),
    TOO_MANY_STREAMS(429, true, Phase.REQUEST, "Too many streams",
            "over `relay.limit.streams-per-client`; `Retry-After` in seconds"),
    TOKEN_LIMIT(429, true, Phase.REQUEST, "Token limit reached",
            "over `relay.limit.tokens-per-minute`; `Retry-After` in seconds"),
    BUDGET_EXHAUSTED(429, true, Phase.REQUEST, "Budget exhausted",
            "the key's budget (`RELAY_BUDGETS`) for this UTC day or month is spent; `Retry-After` in seconds until "
                    + "the period resets"),
    LEDGER_UNAVAILABLE(503, true, Phase.REQUEST, "Usage ledger unavailable",
            "`GET /api/usage` while the ledger's database cannot be read; `Retry-After` in seconds"),
    SERVER_BUSY(503, true, Phase.REQUEST, "Server busy",
            "the whole server's stream limit; `Retry-After` in seconds"),
    SERVER_DRAINING(503, true, Phase.REQUEST, "Server draining",
            "the instance is stopping (SIGTERM, undeploy) and takes no new generation; running streams continue up "
                    + "to `relay.drain-ms`; `Retry-After` in seconds (another instance can take it at once)"),

    // The upstream refused or failed before the first token (after retries and the fallback).
    UPSTREAM_BAD_REQUEST(400, false, Phase.STREAM, "Upstream refused the request", "upstream answered 400"),
    UPSTREAM_UNAUTHORIZED(502, false, Phase.STREAM, "Upstream refused the relay's key",
            "401 (the upstream's message is relayed with any key in it redacted)"),
    UPSTREAM_PAYMENT_REQUIRED(502, false, Phase.STREAM, "Upstream wants payment", "402 (DeepSeek: insufficient balance)"),
    UPSTREAM_FORBIDDEN(502, false, Phase.STREAM, "Upstream forbade the request", "403"),
    UPSTREAM_NOT_FOUND(404, false, Phase.STREAM, "Upstream does not know the model or path", "404"),
    UPSTREAM_INVALID_PARAMETERS(422, false, Phase.STREAM, "Upstream refused the parameters", "422"),
    UPSTREAM_REJECTED(502, false, Phase.STREAM, "Upstream refused the request", "any other 4xx"),
    UPSTREAM_RATE_LIMITED(429, true, Phase.STREAM, "Upstream rate limit",
            "429 on every attempt (or a `Retry-After` longer than the relay waits); `retry_after_ms` when known"),
    UPSTREAM_QUOTA_EXCEEDED(429, false, Phase.STREAM, "Upstream quota exceeded",
            "429 with OpenAI's `insufficient_quota`: the account is out of credit, neither retried nor handed to the "
                    + "fallback"),
    UPSTREAM_SERVER_ERROR(502, true, Phase.STREAM, "Upstream server error",
            "500 (and other 5xx) on every attempt, or a transient error inside the stream before any token"),
    UPSTREAM_OVERLOADED(503, true, Phase.STREAM, "Upstream overloaded",
            "503 on every attempt, or an overloaded error inside the stream before any token"),
    UPSTREAM_UNAVAILABLE(502, true, Phase.STREAM, "Upstream unavailable",
            "502, 504, connection refused or failed, on every attempt"),
    UPSTREAM_TIMEOUT(504, true, Phase.STREAM, "Upstream timed out",
            "a timeout error inside the stream before any token, on every attempt"),
    UPSTREAM_FAILED(502, true, Phase.STREAM, "Upstream failed mid-answer",
            "the upstream was cut, broke off, stalled or sent a transient error **after the first token had gone "
                    + "out**: never retried, never a `done`; `cause` names what happened"),
    UPSTREAM_ERROR(502, false, Phase.STREAM, "Upstream error",
            "a non-transient error inside the stream: `{\"error\":{…}}`, vLLM `{\"object\":\"error\",…}`, "
                    + "`event: error`, an `error:` field, OpenRouter `finish_reason:\"error\"`"),
    UPSTREAM_BAD_RESPONSE(502, false, Phase.STREAM, "Upstream sent an unreadable stream",
            "a chunk that is not JSON, a line over 4 MiB, or a body encoding the relay cannot read"),
    UPSTREAM_TRUNCATED(502, true, Phase.STREAM, "Upstream ended early",
            "the stream ended without any `finish_reason` (by `[DONE]` or by closing) before any token, on every "
                    + "attempt"),
    UPSTREAM_STALLED(504, true, Phase.STREAM, "Upstream stalled",
            "no payload for `relay.timeout.idle-ms` after a first payload but before any token (keep-alive comments "
                    + "do not count)"),
    FIRST_TOKEN_TIMEOUT(504, true, Phase.STREAM, "No first token in time",
            "no token within `relay.timeout.first-token-ms` (retries included)"),

    // Endings the relay decides itself.
    CANCELLED(499, false, Phase.STREAM, "Cancelled",
            "`DELETE /api/generations/{id}`, or nobody followed the generation within the grace period"),
    BUDGET_EXCEEDED(429, false, Phase.STREAM, "Budget exceeded",
            "the key's budget (`RELAY_BUDGETS`) ran out while the answer streamed: the upstream is cancelled, the "
                    + "usage so far is recorded; at most one upstream chunk per running stream goes out past it"),
    TOO_LARGE(502, false, Phase.STREAM, "Answer too large", "the answer outgrew the replay log's bounds"),
    MAX_DURATION(504, false, Phase.STREAM, "Maximum duration reached",
            "the stream reached `relay.timeout.max-duration-ms`"),
    SERVER_SHUTDOWN(503, true, Phase.STREAM, "Server shutting down", "the server is stopping (undeploy, SIGTERM)"),
    PRODUCER_LOST(503, true, Phase.STREAM, "Producing instance lost",
            "in a cluster, the instance producing the generation died or left without ending it (kill -9, a crash, "
                    + "a network split): its followers on the other instances get this once the data grid notices; "
                    + "the text so far stays readable in `GET /api/generations/{id}`"),
    REPLAY_EXPIRED(410, true, Phase.STREAM, "Replay no longer held",
            "in a cluster, the cursor is older than what the data grid still holds of the generation (its log was "
                    + "lost with the instances that held it): the events after it cannot be replayed, so none are"),
    INTERNAL_ERROR(500, true, Phase.BOTH, "Internal error",
            "a failure of the relay itself (never expected; the log has the cause's class)");

    /** Where a code can appear on the wire. */
    public enum Phase { REQUEST, STREAM, BOTH }

    private final int status;
    private final boolean retryable;
    private final Phase phase;
    private final String title;
    private final String meaning;

    ErrorCode(int status, boolean retryable, Phase phase, String title, String meaning) {
        this.status = status;
        this.retryable = retryable;
        this.phase = phase;
        this.title = title;
        this.meaning = meaning;
    }

    /** The stable slug on the wire, e.g. {@code upstream_rate_limited}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    public Phase phase() {
        return phase;
    }

    public String title() {
        return title;
    }

    /** When the relay sends it, in Markdown: the docs' table is made from this. */
    public String meaning() {
        return meaning;
    }

    /** The code for a wire slug, or null. */
    public static ErrorCode of(String code) {
        for (ErrorCode candidate : values()) {
            if (candidate.code().equals(code)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return code();
    }
}
