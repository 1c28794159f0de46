package io.streamrelay.operations.control;

import io.streamrelay.completions.control.Intake;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.problems.entity.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Taking an instance out of rotation without cutting anyone off: once begun, readiness is down and new
 * generations are refused with {@code server_draining}, while running streams continue for up to
 * {@code relay.drain-ms}; those still running then end with the retryable {@code server_shutdown}. A drain only
 * ever begins once and never ends: it precedes a stop.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());

    @Inject
    OperationsSettings settings;

    @Inject
    TokenRelay relay;

    @Inject
    Intake intake;

    private volatile long sinceNanos;
    private volatile String reason;

    public boolean draining() {
        return reason != null;
    }

    public String reason() {
        return reason;
    }

    /** Milliseconds since the drain began; -1 when not draining. */
    public long elapsedMs() {
        return reason == null ? -1 : (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** Seconds a refused client should wait: another instance can take the generation at once. */
    public long retryAfterSeconds() {
        return 1;
    }

    /**
     * Begins the drain and waits until no generation runs or the drain time is up, then ends what still runs.
     * Blocks the calling thread (a shutdown hook, or the undeploy) for at most {@code relay.drain-ms} plus a moment
     * for the last terminal events to be written.
     */
    public void drain(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            sinceNanos = System.nanoTime();
            reason = why;
        }
        intake.close(ErrorCode.SERVER_DRAINING, "this instance is stopping; retry, another instance will answer",
                retryAfterSeconds());
        int running = relay.runningGenerations();
        LOG.info(() -> "draining (" + why + "): " + running + " generations running, new ones refused; waiting up to "
                + settings.drainMs() + " ms");
        long deadline = sinceNanos + TimeUnit.MILLISECONDS.toNanos(settings.drainMs());
        try {
            while (relay.runningGenerations() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            int left = relay.runningGenerations();
            if (left > 0) {
                LOG.info(() -> "drain time is up: ending " + left + " generations with server_shutdown");
                relay.shutdown();
                // The terminal events are queued; give the writers a moment before the container stops.
                TimeUnit.MILLISECONDS.sleep(500);
            } else {
                LOG.info("drained: no generation is running");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
