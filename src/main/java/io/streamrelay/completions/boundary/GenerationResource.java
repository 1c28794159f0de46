package io.streamrelay.completions.boundary;

import io.streamrelay.admission.boundary.RequestCaller;
import io.streamrelay.completions.control.ChatRequestReader;
import io.streamrelay.completions.control.Cursor;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.completions.entity.GenerationView;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.io.IOException;
import java.io.InputStream;

/** Generations as resources: create one, follow it from any point (SSE), read its state, cancel it. */
@Path("generations")
public class GenerationResource {

    @Inject
    TokenRelay relay;

    @Inject
    ChatRequestReader reader;

    @Context
    HttpServletRequest request;

    @Context
    HttpServletResponse response;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body,
                           @Context UriInfo uri) throws IOException {
        GenerationView view = relay.start(reader.fromBody(contentType, body), RequestCaller.of(request));
        return Response.created(uri.getAbsolutePathBuilder().path(view.id()).build())
                .header("Cache-Control", "no-store")
                .entity(json(view)).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(@PathParam("id") String id) {
        return Response.ok(json(relay.view(id, RequestCaller.of(request)))).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
                       @Context SseEventSink sink, @Context Sse sse) throws IOException {
        Cursor cursor = Cursor.forGeneration(id, lastEventId, QueryString.first(request.getQueryString(), "after"));
        boolean following = relay.follow(cursor, RequestCaller.of(request), () -> {
            StreamHeaders.apply(response, MediaType.SERVER_SENT_EVENTS);
            return SseTokenSink.of(sink, sse, request);
        });
        if (!following) {
            throw new NothingToFollow();
        }
    }

    @DELETE
    @Path("{id}")
    public Response cancel(@PathParam("id") String id) {
        relay.cancel(id, RequestCaller.of(request));
        return Response.noContent().build();
    }

    private GenerationBody json(GenerationView view) {
        return GenerationBody.of(view, request.getContextPath());
    }
}
