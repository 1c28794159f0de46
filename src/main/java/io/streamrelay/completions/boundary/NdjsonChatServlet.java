package io.streamrelay.completions.boundary;

import io.streamrelay.completions.control.ChatRequestReader;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.problems.boundary.Problems;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatRequest;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** NDJSON for any HTTP client: an async servlet whose response is written without blocking. */
@WebServlet(urlPatterns = "/ndjson/chat", asyncSupported = true)
public class NdjsonChatServlet extends HttpServlet {

    static final String NDJSON = "application/x-ndjson";
    private static final Logger LOG = Logger.getLogger(NdjsonChatServlet.class.getName());

    @Inject
    TokenRelay relay;

    @Inject
    ChatRequestReader reader;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            ChatRequest chat = switch (request.getMethod()) {
                // getParameter is never used: on a POST it would read a form body, and its charset varies.
                case "GET" -> reader.fromQuery(QueryString.first(request.getQueryString(), "prompt"),
                        QueryString.first(request.getQueryString(), "model"));
                case "POST" -> reader.fromBody(request.getContentType(), request.getInputStream());
                default -> {
                    response.setHeader("Allow", "GET, POST");
                    throw new ProblemException(405, "method_not_allowed", "Method not allowed",
                            "use GET with ?prompt= or POST with a JSON body");
                }
            };
            stream(request, response, chat);
        } catch (ProblemException refused) {
            Problems.send(response, refused.problem());
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "request failed: " + failure.getClass().getName());
            if (!response.isCommitted()) {
                Problems.send(response, Problems.forStatus(500));
            }
        }
    }

    private void stream(HttpServletRequest request, HttpServletResponse response, ChatRequest chat)
            throws IOException {
        StreamHeaders.apply(response, NDJSON);
        AsyncContext async = request.startAsync();
        // The service owns every stream timer; the container's default (30 s on Payara) would cut long answers.
        async.setTimeout(0);
        relay.start(chat, new NdjsonTokenSink(async));
    }
}
