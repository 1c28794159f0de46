package io.streamrelay.upstream.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamrelay.upstream.entity.Usage;

import java.io.IOException;

/**
 * A chunk's {@code usage} object, read in one pass: the OpenAI counts, with reasoning tokens from
 * {@code completion_tokens_details} and cached prompt tokens from {@code prompt_tokens_details} (OpenAI) or
 * {@code prompt_cache_hit_tokens} (DeepSeek).
 */
final class UsageJson {

    private UsageJson() {
    }

    /** Reads the object whose start the parser just passed, up to and including its end. */
    static Usage read(JsonParser json) throws IOException {
        int prompt = 0;
        int completion = 0;
        int total = -1;
        int reasoning = 0;
        int cached = 0;
        for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
            JsonToken value = json.nextToken();
            if (value.isNumeric()) {
                switch (name) {
                    case "prompt_tokens" -> prompt = json.getValueAsInt();
                    case "completion_tokens" -> completion = json.getValueAsInt();
                    case "total_tokens" -> total = json.getValueAsInt();
                    case "prompt_cache_hit_tokens" -> cached = json.getValueAsInt();
                    default -> { }
                }
            } else if (value == JsonToken.START_OBJECT && name.equals("completion_tokens_details")) {
                reasoning = member(json, "reasoning_tokens");
            } else if (value == JsonToken.START_OBJECT && name.equals("prompt_tokens_details")) {
                cached = member(json, "cached_tokens");
            } else {
                json.skipChildren();
            }
        }
        return new Usage(prompt, completion, total < 0 ? prompt + completion : total, false, reasoning, cached);
    }

    /** One number out of a details object (0 when absent), the rest skipped. */
    private static int member(JsonParser json, String member) throws IOException {
        int found = 0;
        for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
            JsonToken value = json.nextToken();
            if (value.isNumeric() && name.equals(member)) {
                found = json.getValueAsInt();
            } else {
                json.skipChildren();
            }
        }
        return found;
    }
}
