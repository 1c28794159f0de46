package io.streamrelay.usage.control;

import io.streamrelay.completions.entity.Spending;
import io.streamrelay.problems.entity.ErrorCode;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running generation's spending against its key's budget: each piece of output counts as one completion
 * token (the upstream reports the real counts only at the end) at the model's output price; at the end its record's
 * counts replace that estimate ({@link #settle}).
 */
final class BudgetMeter implements Spending.Meter {

    private final KeySpend spend;
    private final double usdPerPiece;
    private final Spending.Stop stop;
    private final AtomicLong metered = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();

    BudgetMeter(KeySpend spend, double usdPerPiece, Spending.Stop stop) {
        this.spend = spend;
        this.usdPerPiece = usdPerPiece;
        this.stop = stop;
    }

    @Override
    public void output(int pieces) {
        long units = spend.units(pieces, pieces * usdPerPiece);
        metered.addAndGet(units);
        spend.add(units);
    }

    void stop(ErrorCode code, String message) {
        if (stopped.compareAndSet(false, true)) {
            stop.stop(code, message);
        }
    }

    /** The generation ended: its recorded tokens and cost replace what was metered. */
    void settle(long tokens, double usd) {
        spend.leave(this);
        spend.add(spend.units(tokens, usd) - metered.getAndSet(0));
    }
}
