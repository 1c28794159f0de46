package io.streamrelay.completions.boundary;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.streamrelay.admission.control.Limits;
import io.streamrelay.completions.control.TokenRelay;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/metrics}: the stream slots in use and the generations running. Slots are released at a
 * generation's single exit, so once every stream has ended both numbers are exactly 0; the tests hold the relay to
 * that after every way a stream can end.
 */
@Path("metrics")
public class MetricsResource {

    @Inject
    Limits limits;

    @Inject
    TokenRelay relay;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response metrics() {
        return Response.ok(new Metrics(limits.streamsInUse(), limits.callersWithStreams(), relay.runningGenerations(),
                relay.storedGenerations())).header("Cache-Control", "no-store").build();
    }

    /** {@code {"streams_in_use","clients_with_streams","running_generations","stored_generations"}}, all counts. */
    @JsonPropertyOrder({"streams_in_use", "clients_with_streams", "running_generations", "stored_generations"})
    public record Metrics(int streamsInUse, int clientsWithStreams, int runningGenerations, int storedGenerations) {
    }
}
