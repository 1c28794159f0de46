package io.streamrelay.json.boundary;

import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import io.streamrelay.json.control.RelayJson;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;

/**
 * Writes (and could read) JAX-RS JSON entities with {@link RelayJson#MAPPER}, {@code application/json} and every
 * {@code +json} type ({@code application/problem+json}). Registered explicitly by the application, not found by
 * scanning: Payara would otherwise answer with its own JSON-B (Yasson) and TomEE with whichever Jackson it finds.
 * The priority puts it ahead of a server's own JSON providers and of the jar's META-INF/services entry for the
 * unconfigured JacksonJsonProvider.
 */
@Priority(Priorities.USER - 1000)
public class RelayJsonProvider extends JacksonJsonProvider {

    public RelayJsonProvider() {
        super(RelayJson.MAPPER);
    }
}
