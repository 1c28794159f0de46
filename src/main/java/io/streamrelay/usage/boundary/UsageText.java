package io.streamrelay.usage.boundary;

import io.streamrelay.usage.entity.UsageGroup;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;

import java.time.LocalDate;
import java.util.List;

/**
 * The usage groups as text: JSON {@code {"from","to","groups":[{key, model, day, requests, prompt_tokens,
 * completion_tokens, reasoning_tokens, cost_usd, estimated_tokens}]}} or CSV with those columns and a header row
 * (RFC 4180 quoting, formulas defused: {@link #field}).
 */
final class UsageText {

    static final String HEADER = "key,model,day,requests,prompt_tokens,completion_tokens,reasoning_tokens,cost_usd,"
            + "estimated_tokens";

    private UsageText() {
    }

    static String json(LocalDate from, LocalDate to, List<UsageGroup> groups) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (UsageGroup group : groups) {
            array.add(Json.createObjectBuilder().add("key", group.key())
                    .add("model", group.model() == null ? "" : group.model()).add("day", group.day().toString())
                    .add("requests", group.requests()).add("prompt_tokens", group.promptTokens())
                    .add("completion_tokens", group.completionTokens())
                    .add("reasoning_tokens", group.reasoningTokens()).add("cost_usd", group.costUsd())
                    .add("estimated_tokens", group.estimatedTokens()));
        }
        return Json.createObjectBuilder().add("from", from.toString()).add("to", to.toString()).add("groups", array)
                .build().toString();
    }

    static String csv(List<UsageGroup> groups) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (UsageGroup group : groups) {
            csv.append(field(group.key())).append(',').append(field(group.model())).append(',').append(group.day())
                    .append(',').append(group.requests()).append(',').append(group.promptTokens()).append(',')
                    .append(group.completionTokens()).append(',').append(group.reasoningTokens()).append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.6f", group.costUsd())).append(',')
                    .append(group.estimatedTokens()).append("\r\n");
        }
        return csv.toString();
    }

    /**
     * One CSV field. A value a spreadsheet would read as a formula (first character = + - @, tab or carriage
     * return: OWASP's "CSV Injection" rule) gets a single quote first; key ids and model names (the upstream's) are
     * not the relay's to trust.
     */
    private static String field(String value) {
        if (value == null) {
            return "";
        }
        String text = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
