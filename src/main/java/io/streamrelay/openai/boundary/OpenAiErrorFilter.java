package io.streamrelay.openai.boundary;

import io.streamrelay.problems.entity.Problem;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * On /v1/* every refusal is OpenAI's error body, also those the core's filters (malformed requests, admission:
 * keys, CORS, limits) and the container's error page send as problems: their problem body is captured and
 * re-rendered by {@link OpenAiErrorResponse}, status and headers ({@code Retry-After}, {@code WWW-Authenticate})
 * kept. Declared first in WEB-INF/web.xml: for REQUEST on /v1/*, and for ERROR on the error page, where only a
 * request that was for /v1 is touched.
 */
public class OpenAiErrorFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ERROR && !forV1(request)) {
            chain.doFilter(request, response);
            return;
        }
        ProblemCapture capture = new ProblemCapture(response);
        chain.doFilter(request, capture);
        Problem problem = capture.problem();
        if (problem != null) {
            OpenAiErrorResponse.send(response, problem);
        }
    }

    private static boolean forV1(HttpServletRequest request) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "" : uri.toString().substring(Math.min(uri.toString().length(),
                request.getContextPath().length()));
        return path.equals("/v1") || path.startsWith("/v1/");
    }
}
