package io.streamrelay.completions.boundary;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Anything under /ndjson/ that is no endpoint: a problem body like the API's own 404, not the container's page. */
@WebServlet(urlPatterns = "/ndjson/*")
public class NdjsonNotFoundServlet extends NdjsonServlet {

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) {
        throw new ProblemException(ErrorCode.NOT_FOUND, "no such endpoint");
    }
}
