package io.streamrelay.openai.boundary;

import io.streamrelay.openai.control.ModelList;
import io.streamrelay.problems.entity.ErrorCode;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /v1/models}: see {@link ModelList}. Keys and limits apply as on every /v1 path. */
@WebServlet(urlPatterns = "/v1/models", asyncSupported = true)
public class ModelsServlet extends HttpServlet {

    @Inject
    ModelList models;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            OpenAiErrorResponse.send(response, ErrorCode.METHOD_NOT_ALLOWED, "use GET");
            return;
        }
        byte[] body = models.json().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        if (request.getMethod().equals("GET")) {
            response.getOutputStream().write(body);
        }
    }
}
