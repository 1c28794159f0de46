package io.streamrelay;

import io.streamrelay.completions.boundary.ChatResource;
import io.streamrelay.completions.boundary.GenerationResource;
import io.streamrelay.completions.boundary.MetricsResource;
import io.streamrelay.completions.boundary.NothingToFollow;
import io.streamrelay.completions.boundary.SseBatch;
import io.streamrelay.completions.boundary.SseFrames;
import io.streamrelay.json.boundary.RelayJsonProvider;
import io.streamrelay.operations.boundary.StatusMetricsResource;
import io.streamrelay.usage.boundary.UsageResource;
import io.streamrelay.problems.boundary.ProblemMapper;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.HashSet;
import java.util.Set;

/**
 * The JAX-RS application under {@code /api}: every resource and provider of every component, listed rather than
 * scanned, so Payara and TomEE serve the same set and write JSON with the same provider. A new resource or
 * provider must be added here ({@code RelayApplicationTest} fails until it is).
 */
@ApplicationPath("api")
public class RelayApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        Set<Class<?>> classes = new HashSet<>(Set.of(ChatResource.class, GenerationResource.class,
                MetricsResource.class, ProblemMapper.class, NothingToFollow.Mapper.class, RelayJsonProvider.class,
                StatusMetricsResource.class, UsageResource.class));
        if (SseBatch.JERSEY) { // TomEE's JAX-RS is CXF, which writes events itself
            classes.add(SseFrames.class);
        }
        return classes;
    }
}
