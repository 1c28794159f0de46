package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.Spending;

/**
 * A generation's lease that also tells a {@link Spending.Meter} of its output. The generation counts each piece on
 * its lease as the piece is logged and queued for its followers, so a meter that stops the generation from here
 * lets that piece go out first, then the terminal event: one piece, never more, after a stop.
 */
final class MeteredLease implements Lease {

    private final Lease slot;
    private final Spending.Meter meter;

    MeteredLease(Lease slot, Spending.Meter meter) {
        this.slot = slot;
        this.meter = meter;
    }

    @Override
    public void tokens(int count) {
        slot.tokens(count);
        meter.output(count);
    }

    @Override
    public void release() {
        slot.release();
    }
}
