package io.streamrelay.upstream.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/** Decides once, at start-up, who answers: the configured upstream or the offline model. */
@ApplicationScoped
public class UpstreamChoice {

    private static final Logger LOG = Logger.getLogger(UpstreamChoice.class.getName());

    @Inject
    UpstreamSettings settings;

    @Inject
    RetryingUpstream openAi;

    @Inject
    DemoModel demo;

    @Produces
    @ApplicationScoped
    Upstream upstream() {
        if (settings.configured()) {
            UpstreamSettings.Endpoint primary = settings.primary();
            if (primary.apiKey() != null && primary.userInfo() != null) {
                LOG.warning("relay.upstream.url has user info and relay.upstream.api-key is set: the key is sent,"
                        + " the user info is not");
            }
            settings.fallback().filter(f -> f.apiKey() != null && f.userInfo() != null).ifPresent(f -> LOG.warning(
                    "relay.fallback.url has user info and relay.fallback.api-key is set: the key is sent, the user"
                            + " info is not"));
            LOG.info(() -> "relaying to " + UpstreamUrl.shown(primary.completions()) + " (model " + settings.model()
                    + ")"
                    + settings.fallback().map(f -> ", falling over to " + f + (f.model() == null ? ""
                    : " (model " + f.model() + ")")).orElse(""));
            return openAi;
        }
        LOG.info("no upstream configured (RELAY_UPSTREAM_URL, RELAY_UPSTREAM_API_KEY): the offline model answers");
        return demo;
    }
}
