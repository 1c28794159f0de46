package io.streamrelay.completions.boundary;

import io.streamrelay.admission.boundary.RequestCaller;
import io.streamrelay.completions.control.ChatRequestReader;
import io.streamrelay.completions.control.Cursor;
import io.streamrelay.completions.control.TokenRelay;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.io.IOException;
import java.io.InputStream;

/** Server-Sent Events: GET for EventSource, POST for a whole conversation; either resumes with Last-Event-ID. */
@Path("chat")
public class ChatResource {

    @Inject
    TokenRelay relay;

    @Inject
    ChatRequestReader reader;

    @Context
    HttpServletRequest request;

    @Context
    HttpServletResponse response;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void get(@HeaderParam("Last-Event-ID") String lastEventId,
                    @Context SseEventSink sink, @Context Sse sse) throws IOException {
        if (lastEventId != null) {
            resume(lastEventId, sink, sse);
            return;
        }
        // Read strictly, as the NDJSON servlet does: JAX-RS would turn invalid UTF-8 into U+FFFD without a word.
        String query = request.getQueryString();
        relay.chat(reader.fromQuery(QueryString.first(query, "prompt"), QueryString.first(query, "model")),
                RequestCaller.of(request), () -> open(sink, sse));
    }

    @POST
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void post(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body,
                     @HeaderParam("Last-Event-ID") String lastEventId,
                     @Context SseEventSink sink, @Context Sse sse) throws IOException {
        if (lastEventId != null) {
            resume(lastEventId, sink, sse);
            return;
        }
        relay.chat(reader.fromBody(contentType, body), RequestCaller.of(request), () -> open(sink, sse));
    }

    private SseTokenSink open(SseEventSink sink, Sse sse) {
        StreamHeaders.apply(response, MediaType.SERVER_SENT_EVENTS);
        return SseTokenSink.of(sink, sse, request);
    }

    /**
     * EventSource reconnects with the last id it saw: the same generation continues, it is not asked again. After
     * its end there is nothing more: 204, which tells EventSource to stop reconnecting.
     */
    private void resume(String lastEventId, SseEventSink sink, Sse sse) throws IOException {
        if (!relay.follow(Cursor.fromLastEventId(lastEventId), RequestCaller.of(request), () -> open(sink, sse))) {
            throw new NothingToFollow();
        }
    }
}
