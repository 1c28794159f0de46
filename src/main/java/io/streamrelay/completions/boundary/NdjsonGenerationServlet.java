package io.streamrelay.completions.boundary;

import io.streamrelay.completions.control.Cursor;
import io.streamrelay.completions.control.TokenRelay;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code GET /ndjson/generations/{id}?after=<seq>}: a generation's events as NDJSON, from any point. */
@WebServlet(urlPatterns = "/ndjson/generations/*", asyncSupported = true)
public class NdjsonGenerationServlet extends NdjsonServlet {

    @Inject
    TokenRelay relay;

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET")) {
            throw methodNotAllowed(response, "GET", "follow a generation with GET ?after=<seq>");
        }
        String path = request.getPathInfo();
        String id = path == null || path.length() < 2 ? "" : path.substring(1);
        follow(relay, Cursor.forGeneration(id, request.getHeader("Last-Event-ID"), query(request, "after")), request,
                response);
    }
}
