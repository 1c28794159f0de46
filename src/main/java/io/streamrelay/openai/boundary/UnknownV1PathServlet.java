package io.streamrelay.openai.boundary;

import io.streamrelay.problems.entity.ErrorCode;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Any other path under /v1: 404 in OpenAI's shape, naming the request as OpenAI's own 404 does. */
@WebServlet(urlPatterns = {"/v1/*", "/v1"}, asyncSupported = true)
public class UnknownV1PathServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        OpenAiErrorResponse.send(response, ErrorCode.NOT_FOUND, "Invalid URL (" + request.getMethod() + " "
                + (path.length() > 200 ? path.substring(0, 200) : path) + ")");
    }
}
