package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Issue 10: tool calls, refusals and logprobs through the generation: seqs, log, followers, view, accounting. */
class GenerationToolCallsTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final TaskQueue queue = new TaskQueue("test", threads, 2);
    private final GenerationTest.ScriptableUpstream upstream = new GenerationTest.ScriptableUpstream();
    private final AtomicInteger tokens = new AtomicInteger();

    @AfterEach
    void stop() {
        queue.stop();
        threads.shutdownNow();
    }

    @Test
    void fragmentsAreNumberedRelayedReplayedAssembledAndCountedLikeTokens() {
        Generation generation = generation();
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("Checking."), new UpstreamEvent.Logprobs("{\"content\":[]}"),
                new UpstreamEvent.ToolCall(0, "call_a", "weather", ""),
                new UpstreamEvent.ToolCall(1, "call_b", "time", "{\"z\""),
                new UpstreamEvent.ToolCall(0, null, null, "{\"city\":"),
                new UpstreamEvent.ToolCall(1, null, null, ":1}"),
                new UpstreamEvent.ToolCall(0, null, null, "\"Bern\"}"));
        GenerationTest.RecordingSink late = new GenerationTest.RecordingSink();
        generation.follow(late, 4);
        upstream.send(new UpstreamEvent.Finish("tool_calls"), new UpstreamEvent.End(true));

        assertEquals(List.of("start:0", "token:1", "logprobs:2", "tool_call:3", "tool_call:4", "tool_call:5",
                "tool_call:6", "tool_call:7", "done:8"), sink.seen());
        assertEquals(List.of("tool_call:5", "tool_call:6", "tool_call:7", "done:8"), late.seen());
        assertEquals(new StreamEvent.ToolCall(4, 1, "call_b", "time", "{\"z\""), sink.events.get(4));
        GenerationView view = generation.view();
        assertEquals(List.of(new GenerationView.ToolCall(0, "call_a", "weather", "{\"city\":\"Bern\"}"),
                new GenerationView.ToolCall(1, "call_b", "time", "{\"z\":1}")), view.toolCalls());
        assertEquals("Checking.", view.text());
        assertNull(view.refusal());
        assertEquals(6, tokens.get(), "a token and five fragments; logprobs are not output");
        StreamEvent.Done done = (StreamEvent.Done) sink.events.get(8);
        assertEquals(new Usage(0, 6, 6, true), done.usage(), "estimated from the relayed pieces");
    }

    @Test
    void aRefusalIsOutputItsTextIsInTheViewAndACutAfterItIsUpstreamFailed() {
        Generation generation = generation();
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Refusal("I can't"), new UpstreamEvent.Refusal(" do that."),
                new UpstreamEvent.End(false));
        assertEquals(List.of("start:0", "refusal:1", "refusal:2", "error:3"), sink.seen());
        assertEquals(ErrorCode.UPSTREAM_FAILED, ((StreamEvent.Failure) sink.events.get(3)).code());
        assertEquals("I can't do that.", generation.view().refusal());
    }

    private Generation generation() {
        RelaySettings settings = new RelaySettings();
        settings.heartbeatMs = 60_000;
        settings.firstTokenTimeoutMs = 60_000;
        settings.idleTimeoutMs = 60_000;
        settings.maxDurationMs = 60_000;
        settings.bufferEvents = 100;
        settings.graceMs = 30_000;
        settings.retentionMs = 60_000;
        settings.maxEvents = 1000;
        settings.maxBytes = 1 << 20;
        Lease counting = new Lease() {
            @Override
            public void tokens(int count) {
                tokens.addAndGet(count);
            }

            @Override
            public void release() {
            }
        };
        return new Generation("g", new ChatRequest(List.of(new ChatMessage("user", "hi")), null, null, null),
                Caller.address("127.0.0.1"), counting, settings, queue, Runnable::run, g -> { });
    }
}
