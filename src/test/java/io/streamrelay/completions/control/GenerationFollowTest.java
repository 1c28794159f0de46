package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Following from a cursor: past the end there is nothing (no stream opens), and no follower waits unpinged. */
class GenerationFollowTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final TaskQueue queue = new TaskQueue("test", threads, 1);
    private final GenerationTest.ScriptableUpstream upstream = new GenerationTest.ScriptableUpstream();

    @AfterEach
    void stop() {
        queue.stop();
        threads.shutdownNow();
    }

    @Test
    void aCursorAtOrPastTheTerminalEventOpensNothing() throws Exception {
        Generation generation = ended();
        for (long after : new long[]{3, 4, 1000}) {
            AtomicBoolean opened = new AtomicBoolean();
            assertNull(generation.follow(after, ErrorCode.INVALID_AFTER, () -> {
                opened.set(true);
                return new GenerationTest.RecordingSink();
            }), "after " + after);
            assertFalse(opened.get(), "no stream opens after " + after);
        }
    }

    @Test
    void aCursorBeforeTheTerminalEventReplaysItAndCloses() throws Exception {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        assertNotNull(ended().follow(2, ErrorCode.INVALID_AFTER, () -> sink));
        assertEquals(java.util.List.of("done:3"), sink.seen());
        assertTrue(sink.closed);
    }

    @Test
    void aCursorPastTheEndOfARunningGenerationIsRefusedWithTheCursorsCode() {
        Generation generation = GenerationFixture.generation(queue);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("a"));
        for (ErrorCode code : new ErrorCode[]{ErrorCode.INVALID_AFTER, ErrorCode.INVALID_LAST_EVENT_ID}) {
            ProblemException refused = assertThrows(ProblemException.class,
                    () -> generation.follow(2, code, GenerationTest.RecordingSink::new));
            assertEquals(code.code(), refused.problem().code());
        }
    }

    @Test
    void aFollowerAtTheEndOfAQuietLiveGenerationGetsPings() throws Exception {
        Generation generation = GenerationFixture.generation(queue, 50);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("a"));
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        assertNotNull(generation.follow(1, ErrorCode.INVALID_AFTER, () -> sink));
        TimeUnit.MILLISECONDS.sleep(400);
        long pings = sink.events.stream().filter(e -> e instanceof StreamEvent.Ping).count();
        assertTrue(pings >= 3, pings + " pings in 400 ms at a 50 ms heartbeat");
        assertEquals(java.util.List.of(), sink.seen(), "and nothing else");
    }

    /** start:0, token:1, token:2, done:3. */
    private Generation ended() {
        Generation generation = GenerationFixture.generation(queue);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("a"), new UpstreamEvent.Text("b"), new UpstreamEvent.Finish("stop"),
                new UpstreamEvent.End(true));
        return generation;
    }
}
