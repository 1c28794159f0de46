package io.streamrelay.usage.control;

import io.streamrelay.usage.entity.Budget;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RELAY_PRICES and RELAY_BUDGETS as the issue spells them, and where a budget period ends. */
class SettingListsTest {

    @Test
    void pricesAreUsdPerMillionTokensAndUnknownModelsCostNothing() {
        Prices prices = Prices.parse("deepseek-chat:0.27/1.10, llama3:8b:0/0.5");
        assertEquals((1_000_000 * 0.27 + 2_000_000 * 1.10) / 1_000_000, prices.cost("deepseek-chat", 1_000_000, 2_000_000),
                1e-9);
        assertEquals(0.5e-6, prices.perOutputToken("llama3:8b"), 1e-15);
        assertEquals(0, prices.cost("unknown", 100, 100));
        assertEquals(0, Prices.parse("").cost("deepseek-chat", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Prices.parse("deepseek-chat:0.27"));
    }

    @Test
    void budgetsAreTokensOrUsdPerDayOrMonth() {
        Map<String, Budget> budgets = BudgetList.parse("alice:50000tokens/day,bob:20usd/month , carol: 2.5usd / day");
        assertEquals(new Budget("alice", Budget.Unit.TOKENS, 50000, Budget.Period.DAY), budgets.get("alice"));
        assertEquals(new Budget("bob", Budget.Unit.USD, 20, Budget.Period.MONTH), budgets.get("bob"));
        assertEquals(new Budget("carol", Budget.Unit.USD, 2.5, Budget.Period.DAY), budgets.get("carol"));
        assertThrows(IllegalArgumentException.class, () -> BudgetList.parse("alice:50000/day"));
        assertThrows(IllegalArgumentException.class, () -> BudgetList.parse("alice:5tokens/week"));
    }

    @Test
    void periodsEndAtTheNextUtcMidnightOrFirstOfTheMonth() {
        Instant now = Instant.parse("2026-12-31T23:59:30Z");
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), Budgets.end(Budget.Period.DAY, now));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), Budgets.end(Budget.Period.MONTH, now));
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"),
                Budgets.end(Budget.Period.MONTH, Instant.parse("2026-02-14T10:00:00Z")));
    }
}
