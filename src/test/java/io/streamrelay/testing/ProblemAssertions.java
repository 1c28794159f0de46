package io.streamrelay.testing;

import jakarta.json.JsonObject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A refusal is an RFC 9457 problem with the stable code, and nothing internal. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    public static void assertProblem(StreamClient client, int status, String code) throws Exception {
        assertEquals(status, client.status(), client.bodyText());
        assertTrue(client.header("Content-Type").startsWith("application/problem+json"),
                client.header("Content-Type"));
        JsonObject problem = Json.object(client.bodyText());
        assertEquals(status, problem.getInt("status"));
        assertEquals(code, problem.getString("code"));
        assertEquals("urn:streamrelay:problem:" + code, problem.getString("type"));
        assertFalse(problem.getString("title").isBlank());
        String body = client.bodyText();
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("jakarta."),
                "internal details leaked: " + body);
    }
}
