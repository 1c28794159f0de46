package io.streamrelay.completions.boundary;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A follow whose cursor is at or past a generation's terminal event: there is nothing to send, ever. JAX-RS
 * resources throw it to answer 204 No Content before any stream opens; per the WHATWG rules an EventSource that
 * gets 204 stops reconnecting for good. The NDJSON servlets answer the same status themselves.
 */
public final class NothingToFollow extends RuntimeException {

    NothingToFollow() {
        super("nothing to follow", null, false, false);
    }

    static Response response() {
        return Response.noContent().header("Cache-Control", "no-store").build();
    }

    /** Nearer to the exception's type than the catch-all problem mapper, so JAX-RS picks this one. */
    @Provider
    public static final class Mapper implements ExceptionMapper<NothingToFollow> {
        @Override
        public Response toResponse(NothingToFollow nothing) {
            return response();
        }
    }
}
