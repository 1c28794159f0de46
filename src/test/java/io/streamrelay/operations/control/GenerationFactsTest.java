package io.streamrelay.operations.control;

import io.streamrelay.completions.entity.RelayEvent.GenerationEnded;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent.Attempt;
import io.streamrelay.upstream.entity.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationFactsTest {

    static final long MS = 1_000_000;

    static GenerationEnded ended(List<Attempt> attempts, long firstToken, int pieces, ErrorCode error) {
        return new GenerationEnded("g", "127.0.0.1", false, "sse", "m", "m", 0, firstToken, 1000 * MS, pieces,
                error == null ? new Usage(3, pieces, 3 + pieces, false) : null, error, "stop", attempts, List.of(), 0,
                null, "chat");
    }

    @Test
    void retriesAndFallbacksComeFromTheAttempts() {
        GenerationFacts facts = GenerationFacts.of(ended(List.of(
                new Attempt(1, "primary", 1 * MS, null, 0),
                new Attempt(1, "primary", 50 * MS, ErrorCode.UPSTREAM_OVERLOADED, 503),
                new Attempt(2, "primary", 60 * MS, null, 0),
                new Attempt(2, "primary", 90 * MS, ErrorCode.UPSTREAM_OVERLOADED, 503),
                new Attempt(3, "fallback", 91 * MS, null, 0)), 200 * MS, 9, null));
        assertEquals(1, facts.retries());
        assertEquals(1, facts.fallbacks());
        assertEquals(3, facts.attempts().size());
        assertEquals(50 * MS, facts.attempts().get(0).endNanos());
        assertEquals(ErrorCode.UPSTREAM_OVERLOADED, facts.attempts().get(1).failure());
        assertEquals("fallback", facts.answering().endpoint());
        assertEquals(1000 * MS, facts.answering().endNanos());
        assertNull(facts.answering().failure());
    }

    @Test
    void theConventionsTimings() {
        GenerationFacts facts = GenerationFacts.of(ended(List.of(), 100 * MS, 10, null));
        assertEquals(0.1, facts.ttftSeconds(), 1e-9);
        assertEquals(1.0, facts.durationSeconds(), 1e-9);
        assertEquals(0.1, facts.timePerOutputTokenSeconds(), 1e-9, "(1.0 - 0.1) / (10 - 1)");
        assertEquals(1, facts.attempts().size(), "the offline model: one implicit attempt");
        assertEquals("", facts.errorType());
        assertTrue(Double.isNaN(GenerationFacts.of(ended(List.of(), 100 * MS, 1, null)).timePerOutputTokenSeconds()));
        assertEquals("cancelled", GenerationFacts.of(ended(List.of(), 0, 0, ErrorCode.CANCELLED)).errorType());
    }
}
