package io.streamrelay.completions.boundary;

import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.json.boundary.RelayJsonProvider;
import io.streamrelay.problems.entity.Problem;
import io.streamrelay.testing.Json;
import io.streamrelay.upstream.entity.Usage;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON entities as the registered provider writes them (UTF-8 output stream, as on the wire). */
class GenerationBodyTest {

    @Test
    void aGenerationKeepsItsShapeAndEveryTextSurvives() throws Exception {
        String text = "a\"\\\n\u0000\u001f\u2028\u2029 é 😀 lone \uD800 \uDC00 end";
        JsonObject json = write(GenerationBody.of(new GenerationView("g1", "done", "m", text,
                new Usage(3, 4, 7, false)), "/ctx"), MediaType.APPLICATION_JSON_TYPE);
        assertEquals(List.of("id", "status", "model", "text", "usage", "events", "ndjson"), List.copyOf(json.keySet()));
        assertEquals(text, json.getString("text"));
        assertEquals("{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}", json.get("usage").toString());
        assertEquals("/ctx/api/generations/g1/events", json.getString("events"));
        assertEquals("/ctx/ndjson/generations/g1", json.getString("ndjson"));
    }

    @Test
    void unknownUsageIsNullAndEstimatedUsageSaysSo() throws Exception {
        JsonObject running = write(GenerationBody.of(new GenerationView("g", "running", null, "", null), ""),
                MediaType.APPLICATION_JSON_TYPE);
        assertEquals(JsonValue.NULL, running.get("usage"));
        assertEquals(JsonValue.NULL, running.get("model"));
        JsonObject estimated = write(GenerationBody.of(new GenerationView("g", "done", "m", "x",
                new Usage(1, 2, 3, true)), ""), MediaType.APPLICATION_JSON_TYPE);
        assertTrue(estimated.getJsonObject("usage").getBoolean("estimated"));
    }

    @Test
    void problemsAreWrittenAsProblemJsonWithDetailOnlyWhenThere() throws Exception {
        Problem problem = new Problem(422, "invalid_prompt", "Invalid prompt", "it is \"blank\" \uD800");
        assertEquals("{\"type\":\"urn:streamrelay:problem:invalid_prompt\",\"title\":\"Invalid prompt\",\"status\":422,"
                + "\"code\":\"invalid_prompt\",\"detail\":\"it is \\\"blank\\\" \uD800\"}", problem.json());
        assertEquals(Json.object(problem.json()), write(problem, MediaType.valueOf(Problem.MEDIA_TYPE)));
        assertEquals("{\"type\":\"urn:streamrelay:problem:not_found\",\"title\":\"Not found\",\"status\":404,"
                + "\"code\":\"not_found\"}", new Problem(404, "not_found", "Not found", null).json());
    }

    private static JsonObject write(Object entity, MediaType type) throws Exception {
        RelayJsonProvider provider = new RelayJsonProvider();
        assertTrue(provider.isWriteable(entity.getClass(), entity.getClass(), null, type));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        provider.writeTo(entity, entity.getClass(), entity.getClass(), new java.lang.annotation.Annotation[0], type,
                new jakarta.ws.rs.core.MultivaluedHashMap<>(), out);
        return Json.object(out.toString(StandardCharsets.UTF_8));
    }
}
