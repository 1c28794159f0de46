package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 on the split core: what a generation and its followers tell observers (metrics, traces). One
 * GenerationEnded per generation from its single end, with the answer's facts (first piece, pieces counted like
 * tokens, the upstream's attempts) and its clients' (transport, departures); one StreamOpened and one StreamClosed
 * per client, counted the first way it was lost; an upstream attempt is bookkeeping, not progress.
 */
class GenerationReportTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final TaskQueue queue = new TaskQueue("test", threads, 2);
    private final GenerationTest.ScriptableUpstream upstream = new GenerationTest.ScriptableUpstream();
    private final List<RelayEvent> events = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        queue.stop();
        threads.shutdownNow();
    }

    @Test
    void oneEndedEventWithTheAnswersAndTheClientsFacts() {
        Generation generation = GenerationFixture.generation(queue);
        generation.reportTo(events::add, "chat");
        GenerationTest.RecordingSink stays = new GenerationTest.RecordingSink();
        GenerationTest.RecordingSink leaves = new GenerationTest.RecordingSink();
        generation.follow(stays, -1);
        generation.start(upstream);
        generation.follow(leaves, 0);
        UpstreamEvent.Attempt attempt = new UpstreamEvent.Attempt(1, "primary", System.nanoTime(), null, 0);
        upstream.send(attempt, new UpstreamEvent.Text("a"), new UpstreamEvent.Logprobs("{\"content\":[]}"),
                new UpstreamEvent.ToolCall(0, "call_a", "weather", "{}"));
        leaves.fail = true;
        upstream.send(new UpstreamEvent.Refusal("no"), new UpstreamEvent.Finish("stop"), new UpstreamEvent.End(true));
        generation.fail(ErrorCode.CANCELLED, "the generation was cancelled", false); // after the end: no second report

        assertEquals(List.of(new RelayEvent.StreamOpened("other", false), new RelayEvent.StreamOpened("other", true),
                new RelayEvent.StreamClosed("other", RelayEvent.Closing.CLIENT_GONE, 0),
                new RelayEvent.StreamClosed("other", RelayEvent.Closing.COMPLETED, 0)),
                events.stream().filter(e -> !(e instanceof RelayEvent.GenerationEnded)).toList());
        List<RelayEvent.GenerationEnded> ended = events.stream()
                .filter(e -> e instanceof RelayEvent.GenerationEnded).map(e -> (RelayEvent.GenerationEnded) e).toList();
        assertEquals(1, ended.size(), events.toString());
        RelayEvent.GenerationEnded end = ended.get(0);
        assertEquals("g", end.id());
        assertEquals("other", end.transport());
        assertEquals("test-model", end.requestModel());
        assertEquals("test-model", end.responseModel());
        assertEquals(3, end.outputPieces(), "a token, a tool-call fragment and a refusal; logprobs are not output");
        assertNull(end.error());
        assertEquals("stop", end.finishReason());
        assertEquals(3, end.usage().completionTokens());
        assertEquals(List.of(attempt), end.attempts());
        assertEquals(1, end.departures().size(), "the client that left before the end");
        assertTrue(end.startedNanos() < end.firstTokenNanos() && end.firstTokenNanos() <= end.endedNanos(),
                end.toString());
        assertEquals(generation.logBytes(), end.logBytes());
        assertTrue(end.logBytes() > 0);
    }

    @Test
    void aFailedGenerationReportsItsCodeAndNoFirstPiece() {
        Generation generation = GenerationFixture.generation(queue);
        generation.reportTo(events::add, "chat");
        generation.follow(new GenerationTest.RecordingSink(), -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Failure(io.streamrelay.problems.entity.ErrorCode.UPSTREAM_UNAVAILABLE,
                "down", true));
        RelayEvent.GenerationEnded end = (RelayEvent.GenerationEnded) events.stream()
                .filter(e -> e instanceof RelayEvent.GenerationEnded).findFirst().orElseThrow();
        assertEquals(io.streamrelay.problems.entity.ErrorCode.UPSTREAM_UNAVAILABLE, end.error());
        assertEquals(0, end.firstTokenNanos());
        assertNull(end.usage());
        assertEquals(0, end.outputPieces());
    }

    @Test
    void heartbeatsAreThePingsTheClientWasSent() throws Exception {
        Generation generation = GenerationFixture.generation(queue, 40);
        generation.reportTo(events::add, "chat");
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        TimeUnit.MILLISECONDS.sleep(300);
        upstream.send(new UpstreamEvent.Finish("stop"), new UpstreamEvent.End(true));

        long pings;
        synchronized (sink) {
            pings = sink.events.stream().filter(e -> e instanceof StreamEvent.Ping).count();
        }
        assertTrue(pings > 0, "silence long enough for pings");
        assertTrue(events.contains(new RelayEvent.StreamClosed("other", RelayEvent.Closing.COMPLETED, (int) pings)),
                pings + " pings, " + events);
    }

    @Test
    void theFirstWayAClientIsLostIsTheOneCounted() {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        Follower follower = new Follower(sink, Runnable::run, 1, f -> { }, events::add);
        assertTrue(follower.offer(new StreamEvent.Token(1, "a")));
        follower.abandon();
        sink.fail = true;
        follower.signal();
        follower.finished();
        assertEquals(List.of(new RelayEvent.StreamClosed("other", RelayEvent.Closing.TOO_SLOW, 0)), events);
    }

    @Test
    void anUpstreamAttemptIsNotProgress() {
        Answer answer = new Answer(new Answer.Relay() {
            @Override
            public void piece(LongFunction<StreamEvent> event, boolean counted) {
            }

            @Override
            public void finish(LongFunction<StreamEvent> ending) {
            }
        });
        answer.accept(new UpstreamEvent.Attempt(1, "primary", System.nanoTime(), null, 0));
        answer.accept(new UpstreamEvent.Attempt(1, "primary", System.nanoTime(),
                io.streamrelay.problems.entity.ErrorCode.UPSTREAM_OVERLOADED, 503));
        Deadlines.Progress progress = answer.progress();
        assertFalse(progress.anyPayload(), "an attempt must not hold off the idle deadline");
        assertFalse(progress.firstToken());
    }
}
