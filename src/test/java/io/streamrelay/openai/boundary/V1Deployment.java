package io.streamrelay.openai.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.ScriptedUpstream;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.util.Map;

/** The relay the /v1 client tests run against: keys on, an allow-list, a 1 s Retry-After bound, no grace,
 * no fallback. */
final class V1Deployment {

    /** The gateway key the clients send; its SHA-256 is configured. */
    static final String KEY = "correct-horse-battery-staple";

    private V1Deployment() {
    }

    static WebArchive of(ScriptedUpstream upstream) {
        return Deployments.relay(upstream, "sk-upstream-secret", Map.of(
                "relay.keys", "alice:87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f8590",
                "relay.request.allowed-models", "deepseek-chat,deepseek-reasoner",
                "relay.upstream.retry.max-retry-after-ms", "1000",
                "relay.heartbeat-ms", "1000",
                // Small enough that a burst outruns the writers past it (V1WireIT): only a client that stops
                // reading may be cut.
                "relay.stream.buffer-events", "256",
                // A client that closes its stream early is cancelled at once, not after the usual grace.
                "relay.generations.grace-ms", "0"));
    }
}
