package io.streamrelay.problems.boundary;

import io.streamrelay.problems.entity.ErrorCode;
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
            case 400 -> Problem.of(ErrorCode.BAD_REQUEST, null);
            case 403 -> Problem.of(ErrorCode.FORBIDDEN, null);
            case 404 -> Problem.of(ErrorCode.NOT_FOUND, null);
            // 501: the default servlet's answer to a method it does not know; the relay serves none of those.
            case 405, 501 -> Problem.of(ErrorCode.METHOD_NOT_ALLOWED, null);
            case 406 -> Problem.of(ErrorCode.NOT_ACCEPTABLE, "this endpoint answers with the media type it documents");
            case 413 -> Problem.of(ErrorCode.BODY_TOO_LARGE, null);
            case 415 -> Problem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, null);
            default -> status >= 400 && status < 500
                    // The container's own status stays: the code names the kind, the status the exact refusal.
                    ? new Problem(status, ErrorCode.CLIENT_ERROR.code(), ErrorCode.CLIENT_ERROR.title(), null)
                    : Problem.of(ErrorCode.INTERNAL_ERROR, "the relay failed; the log has details");
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
