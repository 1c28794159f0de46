package io.streamrelay.openai.boundary;

import io.streamrelay.admission.boundary.RequestCaller;
import io.streamrelay.completions.control.ChatRequestReader;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.openai.control.ChunkFrames;
import io.streamrelay.openai.control.CompletionBody;
import io.streamrelay.problems.entity.ErrorCode;
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

/**
 * {@code POST /v1/chat/completions}: OpenAI's request, validated and relayed by the same service as the native
 * endpoints (keys and limits by the admission filter, retries, fallback, timers, cancel when the client leaves,
 * the replay log); answered as chunks ({@code stream: true}) or one {@code chat.completion}. The generation id is
 * in {@code X-Generation-Id}.
 */
@WebServlet(urlPatterns = "/v1/chat/completions", asyncSupported = true)
public class ChatCompletionsServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ChatCompletionsServlet.class.getName());

    @Inject
    TokenRelay relay;

    @Inject
    ChatRequestReader reader;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!request.getMethod().equals("POST")) {
                response.setHeader("Allow", "POST");
                throw new ProblemException(ErrorCode.METHOD_NOT_ALLOWED, "use POST with a JSON body");
            }
            ChatRequest chat = reader.fromBody(request.getContentType(), request.getInputStream());
            boolean stream = Boolean.TRUE.equals(chat.stream());
            boolean includeUsage = chat.usageAsked();
            long created = System.currentTimeMillis() / 1000;
            relay.chat(chat, RequestCaller.of(request), () -> {
                AsyncContext async = request.startAsync();
                // The service owns every stream timer; the container's default (30 s on Payara) would cut answers.
                async.setTimeout(0);
                return stream ? new ChunkStreamSink(async, new ChunkFrames(includeUsage, created))
                        : new CompletionSink(async, new CompletionBody(created));
            });
        } catch (ProblemException refused) {
            OpenAiErrorResponse.send(response, refused);
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "request failed: " + failure.getClass().getName());
            if (!response.isCommitted()) {
                OpenAiErrorResponse.send(response, ErrorCode.INTERNAL_ERROR, "the relay failed; the log has details");
            }
        }
    }
}
