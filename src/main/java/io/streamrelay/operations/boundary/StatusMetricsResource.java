package io.streamrelay.operations.boundary;

import io.streamrelay.admission.boundary.RequestCaller;
import io.streamrelay.admission.control.GatewayKeys;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.operations.control.OperationsSettings;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code GET /api/status/metrics}: the relay's own metrics in Prometheus text, exactly as Payara serves them at
 * {@code /metrics?scope=application}, for the status page. Payara's {@code /metrics} is outside the application
 * and cannot check a gateway key; this copy can, so with keys on only a key listed in {@code relay.admin-keys}
 * reads it.
 */
@Path("status/metrics")
public class StatusMetricsResource {

    private static final HttpClient LOOPBACK = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Inject
    GatewayKeys keys;

    @Inject
    OperationsSettings settings;

    @Context
    HttpServletRequest request;

    @GET
    @Produces("text/plain")
    public Response metrics() throws IOException, InterruptedException {
        Caller caller = RequestCaller.of(request);
        if (keys.enabled() && !(caller.keyed() && settings.adminKeys().contains(caller.id()))) {
            throw new ProblemException(ErrorCode.NOT_ADMIN, "this key may not read the status data");
        }
        URI own = URI.create("http://127.0.0.1:" + request.getLocalPort() + "/metrics?scope=application");
        HttpResponse<String> scraped = LOOPBACK.send(HttpRequest.newBuilder(own).timeout(Duration.ofSeconds(5))
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        return Response.status(scraped.statusCode()).entity(scraped.body()).type("text/plain; version=0.0.4")
                .header("Cache-Control", "no-store").build();
    }
}
