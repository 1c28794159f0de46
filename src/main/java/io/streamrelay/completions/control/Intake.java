package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.LimitRefused;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/**
 * Whether the relay takes new generations. Closed by whoever stops the instance (a drain); once closed, every
 * way to start a generation, on every endpoint, is refused before any stream byte, while running generations and
 * their followers (resumes included) continue.
 */
@ApplicationScoped
public class Intake {

    @Inject
    Event<LimitRefused> refusals;

    private record Refusal(ErrorCode code, String detail, long retryAfterSeconds) {
    }

    private volatile Refusal closed;

    /** From now on new generations are refused with this code, detail and {@code Retry-After} (seconds). */
    public void close(ErrorCode code, String detail, long retryAfterSeconds) {
        closed = new Refusal(code, detail, retryAfterSeconds);
    }

    public boolean open() {
        return closed == null;
    }

    void admit() {
        Refusal refusal = closed;
        if (refusal != null) {
            refusals.fire(new LimitRefused(refusal.code()));
            throw new ProblemException(refusal.code(), refusal.detail())
                    .withHeader("Retry-After", String.valueOf(refusal.retryAfterSeconds()));
        }
    }
}
