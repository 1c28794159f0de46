package io.streamrelay.completions.boundary;

import io.streamrelay.admission.boundary.RequestCaller;
import io.streamrelay.completions.control.Cursor;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.boundary.Problems;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the NDJSON servlets share: a refusal before the stream is the same problem body the JAX-RS side sends, and
 * a stream is an async response written without blocking.
 */
abstract class NdjsonServlet extends HttpServlet {

    static final String NDJSON = "application/x-ndjson";
    private static final Logger LOG = Logger.getLogger(NdjsonServlet.class.getName());

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            handle(request, response);
        } catch (ProblemException refused) {
            Problems.send(response, refused);
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "request failed: " + failure.getClass().getName());
            if (!response.isCommitted()) {
                Problems.send(response, Problems.forStatus(500));
            }
        }
    }

    protected abstract void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;

    static NdjsonTokenSink open(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StreamHeaders.apply(response, NDJSON);
        AsyncContext async = request.startAsync();
        // The service owns every stream timer; the container's default (30 s on Payara) would cut long answers.
        async.setTimeout(0);
        return new NdjsonTokenSink(async);
    }

    /** Follows from a cursor; with nothing to follow (the generation ended there), 204 and no stream. */
    static void follow(TokenRelay relay, Cursor cursor, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!relay.follow(cursor, RequestCaller.of(request), () -> open(request, response))) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            response.setHeader("Cache-Control", "no-store");
        }
    }

    static ProblemException methodNotAllowed(HttpServletResponse response, String allow, String detail) {
        response.setHeader("Allow", allow);
        return new ProblemException(ErrorCode.METHOD_NOT_ALLOWED, detail);
    }

    /** getParameter is never used: on a POST it would read a form body, and its charset varies by server. */
    static String query(HttpServletRequest request, String name) {
        return QueryString.first(request.getQueryString(), name);
    }
}
