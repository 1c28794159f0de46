package io.streamrelay.openai.boundary;

import io.streamrelay.openai.control.OpenAiErrors;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.Problem;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Sends a refusal on /v1 as OpenAI does: the ErrorCode's status, its headers, {@code {"error":{...}}}. */
final class OpenAiErrorResponse {

    private OpenAiErrorResponse() {
    }

    static void send(HttpServletResponse response, ProblemException refused) throws IOException {
        response.resetBuffer();
        refused.headers().forEach(response::setHeader);
        send(response, refused.problem());
    }

    static void send(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        send(response, Problem.of(code, message));
    }

    static void send(HttpServletResponse response, Problem problem) throws IOException {
        String message = problem.detail() != null ? problem.detail() : problem.title();
        response.resetBuffer();
        response.getOutputStream().write(prepare(response, problem.status(),
                OpenAiErrors.body(problem.code(), problem.status(), message)));
    }

    /** Sets an error answer's status and headers and returns its body, for a caller that writes it its own way. */
    static byte[] prepare(HttpServletResponse response, int status, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        return body;
    }
}
