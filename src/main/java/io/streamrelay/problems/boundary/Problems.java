package io.streamrelay.problems.boundary;

import io.streamrelay.problems.entity.Problem;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Problems for the refusals the container makes itself, and the servlet's way of sending any problem. */
public final class Problems {

    private Problems() {
    }

    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 -> new Problem(400, "bad_request", "Bad request", null);
            case 403 -> new Problem(403, "forbidden", "Forbidden", null);
            case 404 -> new Problem(404, "not_found", "Not found", null);
            case 405 -> new Problem(405, "method_not_allowed", "Method not allowed", null);
            case 406 -> new Problem(406, "not_acceptable", "Not acceptable",
                    "this endpoint answers with the media type it documents");
            case 413 -> new Problem(413, "body_too_large", "Request body too large", null);
            case 415 -> new Problem(415, "unsupported_media_type", "Unsupported media type", null);
            default -> status >= 400 && status < 500
                    ? new Problem(status, "client_error", "Request refused", null)
                    : new Problem(500, "internal_error", "Internal error", "the relay failed; the log has details");
        };
    }

    /** A refusal with its headers ({@code Retry-After}, {@code WWW-Authenticate}). */
    public static void send(HttpServletResponse response, ProblemException refused) throws IOException {
        response.resetBuffer();
        refused.headers().forEach(response::setHeader);
        send(response, refused.problem());
    }

    public static void send(HttpServletResponse response, Problem problem) throws IOException {
        byte[] body = problem.json().getBytes(StandardCharsets.UTF_8);
        response.resetBuffer();
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
