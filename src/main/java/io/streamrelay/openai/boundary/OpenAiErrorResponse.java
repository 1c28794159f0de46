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
        byte[] body = OpenAiErrors.body(problem.code(), problem.status(), message).getBytes(StandardCharsets.UTF_8);
        response.resetBuffer();
        response.setStatus(problem.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
