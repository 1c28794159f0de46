package io.streamrelay.usage.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.completions.entity.Spending;
import io.streamrelay.problems.entity.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A key's budget stops only the streams that have started: a generation admitted but not yet streaming (its meter
 * has seen no output) is not stopped by another stream of the key reaching the limit, nor is one whose creation
 * failed and whose meter was closed.
 */
class BudgetStopsTest {

    private final List<String> stopped = new ArrayList<>();

    @Test
    void aStreamReachingTheLimitStopsOnlyTheKeysStreamsThatHaveStarted() {
        Budgets budgets = budgets("alice:3tokens/day");
        Spending.Meter started = open(budgets, "started");
        open(budgets, "admitted");
        started.output(3);
        assertEquals(List.of("started"), stopped, "the admitted generation has no stream yet to stop");
    }

    @Test
    void aClosedMeterIsNoLongerStopped() {
        Budgets budgets = budgets("alice:5tokens/day");
        Spending.Meter failed = open(budgets, "failed");
        failed.output(1);
        failed.close();
        Spending.Meter other = open(budgets, "other");
        other.output(4);
        assertEquals(List.of("other"), stopped);
    }

    private Spending.Meter open(Budgets budgets, String generation) {
        return budgets.open(generation, Caller.key("alice"), "m", (code, message) -> {
            assertEquals(ErrorCode.BUDGET_EXCEEDED, code);
            stopped.add(generation);
        });
    }

    private static Budgets budgets(String list) {
        LedgerSettings settings = new LedgerSettings();
        settings.budgets = Optional.of(list);
        settings.prices = Optional.empty();
        Budgets budgets = new Budgets();
        budgets.settings = settings;
        budgets.store = new LedgerStore();
        budgets.read();
        return budgets;
    }
}
