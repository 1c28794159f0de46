package io.streamrelay.completions.boundary;

import io.streamrelay.admission.boundary.RequestCaller;
import io.streamrelay.completions.control.ChatRequestReader;
import io.streamrelay.completions.control.Cursor;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.upstream.entity.ChatRequest;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** NDJSON for any HTTP client: GET with ?prompt=, POST with a conversation; either resumes with Last-Event-ID. */
@WebServlet(urlPatterns = "/ndjson/chat", asyncSupported = true)
public class NdjsonChatServlet extends NdjsonServlet {

    @Inject
    TokenRelay relay;

    @Inject
    ChatRequestReader reader;

    @Override
    protected void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("POST")) {
            throw methodNotAllowed(response, "GET, POST", "use GET with ?prompt= or POST with a JSON body");
        }
        String lastEventId = request.getHeader("Last-Event-ID");
        if (lastEventId != null) {
            follow(relay, Cursor.fromLastEventId(lastEventId), request, response);
            return;
        }
        ChatRequest chat = method.equals("GET")
                ? reader.fromQuery(query(request, "prompt"), query(request, "model"))
                : reader.fromBody(request.getContentType(), request.getInputStream());
        relay.chat(chat, RequestCaller.of(request), () -> open(request, response));
    }
}
