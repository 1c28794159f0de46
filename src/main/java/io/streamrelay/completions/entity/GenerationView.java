package io.streamrelay.completions.entity;

import io.streamrelay.upstream.entity.Usage;

/** What {@code GET /api/generations/{id}} tells: the state, the text so far and, once known, the usage. */
public record GenerationView(String id, String status, String model, String text, Usage usage) {

    public String json(String eventsUrl, String ndjsonUrl) {
        StringBuilder out = new StringBuilder(96 + text.length());
        out.append("{\"id\":");
        JsonText.quote(out, id).append(",\"status\":");
        JsonText.quote(out, status).append(",\"model\":");
        JsonText.quote(out, model).append(",\"text\":");
        JsonText.quote(out, text).append(",\"usage\":");
        if (usage == null) {
            out.append("null");
        } else {
            out.append("{\"prompt_tokens\":").append(usage.promptTokens())
                    .append(",\"completion_tokens\":").append(usage.completionTokens())
                    .append(",\"total_tokens\":").append(usage.totalTokens());
            if (usage.estimated()) {
                out.append(",\"estimated\":true");
            }
            out.append('}');
        }
        out.append(",\"events\":");
        JsonText.quote(out, eventsUrl).append(",\"ndjson\":");
        return JsonText.quote(out, ndjsonUrl).append('}').toString();
    }
}
