package io.streamrelay.usage.control;

import io.streamrelay.usage.entity.Budget;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code RELAY_BUDGETS}: {@code keyid:limit/period,...}, limit {@code <n>tokens} or {@code <x>usd}, period
 * {@code day} or {@code month}.
 */
final class BudgetList {

    private static final Pattern ENTRY = Pattern.compile(
            "(.+):\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(tokens|usd)\\s*/\\s*(day|month)", Pattern.CASE_INSENSITIVE);

    private BudgetList() {
    }

    /** @throws IllegalArgumentException for an entry of another shape */
    static Map<String, Budget> parse(String list) {
        Map<String, Budget> budgets = new HashMap<>();
        for (String entry : list.split(",")) {
            String item = entry.strip();
            if (item.isEmpty()) {
                continue;
            }
            Matcher matcher = ENTRY.matcher(item);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("relay.budgets: not keyid:<n>tokens/day or keyid:<x>usd/month: "
                        + item);
            }
            String key = matcher.group(1).strip();
            Budget.Unit unit = Budget.Unit.valueOf(matcher.group(3).toUpperCase(Locale.ROOT));
            Budget.Period period = Budget.Period.valueOf(matcher.group(4).toUpperCase(Locale.ROOT));
            budgets.put(key, new Budget(key, unit, Double.parseDouble(matcher.group(2)), period));
        }
        return Map.copyOf(budgets);
    }
}
