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
    private final AtomicBoolean joined = new AtomicBoolean();
    private final Runnable onClose;
    private volatile boolean over;

    /** {@code onClose}: forgets the meter where its generation's end would have settled it. */
    BudgetMeter(KeySpend spend, double usdPerPiece, Spending.Stop stop, Runnable onClose) {
        this.spend = spend;
        this.usdPerPiece = usdPerPiece;
        this.stop = stop;
        this.onClose = onClose;
    }

    /**
     * The first piece joins the key's running streams: only a generation that has started can be stopped (a stop
     * before its start would race its creation). An end racing the join leaves it again.
     */
    @Override
    public void output(int pieces) {
        if (!over && joined.compareAndSet(false, true)) {
            spend.join(this);
            if (over) {
                spend.leave(this);
            }
        }
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
        over = true;
        spend.leave(this);
        spend.add(spend.units(tokens, usd) - metered.getAndSet(0));
    }

    @Override
    public void close() {
        over = true;
        spend.leave(this);
        onClose.run();
    }
}
