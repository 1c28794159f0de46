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
            LOG.info(() -> "relaying to " + settings.completionsUri() + " (model " + settings.model() + ")"
                    + settings.fallback().map(f -> ", falling over to " + f + (f.model() == null ? ""
                    : " (model " + f.model() + ")")).orElse(""));
            return openAi;
        }
        LOG.info("no upstream configured (RELAY_UPSTREAM_URL, RELAY_UPSTREAM_API_KEY): the offline model answers");
        return demo;
    }
}
