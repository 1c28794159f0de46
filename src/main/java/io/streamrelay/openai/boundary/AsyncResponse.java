package io.streamrelay.openai.boundary;

import io.streamrelay.completions.boundary.NonBlockingResponse;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.openai.control.OpenAiErrors;
import jakarta.servlet.AsyncContext;


/**
 * What both /v1 sinks share: an async response written without blocking (the NDJSON transport's way, the
 * fastest one measured), the generation id header, and a failure that arrives before anything was written
 * answered as a plain HTTP error (its status, {@code Retry-After}, OpenAI's error body) rather than inside a 200.
 */
abstract class AsyncResponse extends NonBlockingResponse {

    static final String GENERATION_HEADER = "X-Generation-Id";

    AsyncResponse(AsyncContext async) {
        super(async);
    }

    /** Both /v1 sinks are one transport in metrics and traces. */
    public String transport() {
        return "openai";
    }

    void bindHeader(String generation) {
        synchronized (container) {
            if (!response.isCommitted()) {
                response.setHeader(GENERATION_HEADER, generation);
            }
        }
    }

    /** The failure as an HTTP error of its code's status: only while nothing has been written. */
    byte[] errorResponse(StreamEvent.Failure failure) {
        synchronized (container) {
            if (failure.retryAfterMs() >= 0) {
                response.setHeader("Retry-After", Long.toString((failure.retryAfterMs() + 999) / 1000));
            }
            return OpenAiErrorResponse.prepare(response, failure.code().status(),
                    OpenAiErrors.body(failure.code(), failure.message()));
        }
    }
}
