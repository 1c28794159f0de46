package io.streamrelay.usage.entity;

/**
 * A key's budget (one entry of {@code RELAY_BUDGETS}, {@code keyid:limit/period}): {@code tokens} (prompt plus
 * completion) or {@code usd}, per UTC {@code day} or {@code month}.
 */
public record Budget(String key, Unit unit, double limit, Period period) {

    public enum Unit { TOKENS, USD }

    public enum Period { DAY, MONTH }
}
