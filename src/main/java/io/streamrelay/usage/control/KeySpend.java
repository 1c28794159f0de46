package io.streamrelay.usage.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.usage.entity.Budget;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One key's spending in one budget period, shared by all its streams: in tokens, or in nano-USD for a USD budget
 * (whole numbers, so that concurrent streams add without a lock). Reaching the limit stops every stream of the key
 * that is running.
 */
final class KeySpend {

    static final long NANO_USD = 1_000_000_000L;

    private final Budget budget;
    private final Instant end;
    private final long limit;
    private final AtomicLong spent;
    private final Set<BudgetMeter> running = ConcurrentHashMap.newKeySet();

    KeySpend(Budget budget, Instant end, long alreadySpent) {
        this.budget = budget;
        this.end = end;
        this.limit = budget.unit() == Budget.Unit.TOKENS ? (long) budget.limit()
                : Math.round(budget.limit() * NANO_USD);
        this.spent = new AtomicLong(alreadySpent);
    }

    /** When the period resets (the next UTC day or month). */
    Instant end() {
        return end;
    }

    boolean reached() {
        return spent.get() >= limit;
    }

    /** Units for these tokens and this cost in USD. */
    long units(long tokens, double usd) {
        return budget.unit() == Budget.Unit.TOKENS ? tokens : Math.round(usd * NANO_USD);
    }

    /** A stream's first piece: from now on the key reaching its limit stops it. */
    void join(BudgetMeter meter) {
        running.add(meter);
    }

    void leave(BudgetMeter meter) {
        running.remove(meter);
    }

    /** Adds (or, when settling an estimate, subtracts) units; the add that reaches the limit stops every stream. */
    void add(long units) {
        long before = spent.getAndAdd(units);
        if (units > 0 && before + units >= limit) {
            String message = message();
            for (BudgetMeter meter : running) {
                meter.stop(ErrorCode.BUDGET_EXCEEDED, message);
            }
        }
    }

    private String message() {
        return "the key's budget of " + (budget.unit() == Budget.Unit.TOKENS ? (long) budget.limit() + " tokens"
                : budget.limit() + " USD") + " a " + budget.period().name().toLowerCase() + " is spent";
    }
}
