package io.streamrelay.usage.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.completions.entity.Spending;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.usage.entity.Budget;
import io.streamrelay.usage.entity.LedgerEntry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Budgets per key ({@code RELAY_BUDGETS}), through the core's {@link Spending} seam: a key whose budget for the
 * current UTC day or month is spent is refused at admission (429 {@code budget_exhausted}, {@code Retry-After}
 * until the period resets); a running stream that makes its key reach the budget ends with {@code budget_exceeded},
 * and so do the key's other running streams. Each stream relays at most the one piece (one upstream chunk's delta)
 * that was in flight when the budget was reached. Keys without a budget are not metered at all.
 */
@ApplicationScoped
public class Budgets implements Spending {

    private static final Logger LOG = Logger.getLogger(Budgets.class.getName());

    @Inject
    LedgerSettings settings;

    @Inject
    LedgerStore store;

    private Map<String, Budget> budgets;
    private Prices prices;
    private final Map<String, KeySpend> spends = new ConcurrentHashMap<>();
    private final Map<String, BudgetMeter> running = new ConcurrentHashMap<>();

    @PostConstruct
    void read() {
        budgets = settings.budgets();
        prices = settings.prices();
    }

    @Override
    public Meter open(String generation, Caller caller, String model, Stop stop) {
        Budget budget = caller.keyed() ? budgets.get(caller.id()) : null;
        if (budget == null) {
            return null;
        }
        Instant now = Instant.now();
        KeySpend spend = current(budget, now);
        if (spend.reached()) {
            long seconds = Math.max(1, Duration.between(now, spend.end()).toSeconds() + 1);
            throw new ProblemException(ErrorCode.BUDGET_EXHAUSTED, "the key's budget for this "
                    + budget.period().name().toLowerCase() + " is spent; it resets at " + spend.end())
                    .withHeader("Retry-After", String.valueOf(seconds));
        }
        BudgetMeter meter = new BudgetMeter(spend, prices.perOutputToken(model), stop, () -> running.remove(generation));
        running.put(generation, meter);
        return meter;
    }

    /**
     * The key's spending this period. The ledger is read outside the map's lock, so a slow database holds only the
     * requests that need it, each at most {@link LedgerStore#SPENT_TIMEOUT_MS}; two first requests may both read it,
     * and the first one stored wins.
     */
    private KeySpend current(Budget budget, Instant now) {
        KeySpend known = spends.get(budget.key());
        if (known != null && now.isBefore(known.end())) {
            return known;
        }
        long spent = alreadySpent(budget, now);
        return spends.compute(budget.key(), (key, again) -> again != null && now.isBefore(again.end())
                ? again : new KeySpend(budget, end(budget.period(), now), spent));
    }

    /** A generation ended: its record's counts replace what its meter estimated. */
    void settle(String generation, LedgerEntry entry) {
        BudgetMeter meter = running.remove(generation);
        if (meter != null) {
            meter.settle((long) entry.promptTokens() + entry.completionTokens(), entry.costUsd());
        }
    }

    /** The start of the next period, UTC. */
    static Instant end(Budget.Period period, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate next = period == Budget.Period.DAY ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** After a restart the period's spending so far comes from the ledger, when it is open. */
    private long alreadySpent(Budget budget, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate from = budget.period() == Budget.Period.DAY ? today : today.withDayOfMonth(1);
        if (!store.isOpen()) {
            return 0;
        }
        try {
            double[] spent = store.spent(budget.key(), from);
            return budget.unit() == Budget.Unit.TOKENS ? (long) spent[0] : Math.round(spent[1] * KeySpend.NANO_USD);
        } catch (RuntimeException failure) {
            LOG.warning(() -> "budget of " + budget.key() + " starts from 0: the ledger cannot be read ("
                    + failure + ")");
            return 0;
        }
    }
}
