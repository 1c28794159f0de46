package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.ServerSentEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.UpstreamEvent.Finish;
import io.streamrelay.upstream.entity.UpstreamEvent.Logprobs;
import io.streamrelay.upstream.entity.UpstreamEvent.Progress;
import io.streamrelay.upstream.entity.UpstreamEvent.Refusal;
import io.streamrelay.upstream.entity.UpstreamEvent.Text;
import io.streamrelay.upstream.entity.UpstreamEvent.ToolCall;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 10: tool-call deltas, refusals and logprobs, read exactly and in the upstream's order. */
class ToolCallChunksTest {

    private static final String HEAD = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":[{\"index\":0,"
            + "\"delta\":";

    private final List<UpstreamEvent> events = new ArrayList<>();
    private final ChunkReader reader = new ChunkReader(new Redaction(), events::add);

    @Test
    void openAisExactToolCallWireIsReadFragmentByFragment() {
        feed(HEAD + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":"
                + "\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\",\"function\":{\"name\":"
                + "\"get_current_weather\",\"arguments\":\"\"}}],\"refusal\":null},\"logprobs\":null,"
                + "\"finish_reason\":null}],\"usage\":null}");
        for (String piece : List.of("{\"", "location", "\":\"", "Boston", ",", " MA", "\"}")) {
            feed(HEAD + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + quote(piece) + "}}]},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
        }
        feed(HEAD + "{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":null}");
        List<UpstreamEvent> expected = new ArrayList<>();
        expected.add(new ToolCall(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_current_weather", ""));
        for (String piece : List.of("{\"", "location", "\":\"", "Boston", ",", " MA", "\"}")) {
            expected.add(new ToolCall(0, null, null, piece));
        }
        expected.add(new Finish("tool_calls"));
        assertEquals(expected, events);
    }

    @Test
    void parallelCallsInterleaveByIndexSeveralToAChunkAfterTheTextInOrder() {
        feed(HEAD + "{\"content\":\"Checking.\",\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"ci\"}},{\"index\":1,\"id\":\"call_b\","
                + "\"type\":\"function\",\"function\":{\"name\":\"time\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}");
        feed(HEAD + "{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{}\"}},{\"index\":0,\"function\":"
                + "{\"arguments\":\"ty\\\":\\\"Bern\\\"}\"}}]},\"finish_reason\":null}]}");
        assertEquals(List.of(new Text("Checking."), new ToolCall(0, "call_a", "weather", "{\"ci"),
                new ToolCall(1, "call_b", "time", ""), new ToolCall(1, null, null, "{}"),
                new ToolCall(0, null, null, "ty\":\"Bern\"}")), events);
    }

    @Test
    void argumentsSplitAtEveryPositionConcatenateToTheWhole() {
        String arguments = "{\"q\":\"Grüße \\\"北京\\\" 😀\\n\",\"n\":[1,2.5e3,null]}";
        for (int split = 0; split <= arguments.length(); split++) {
            events.clear();
            ChunkReader fresh = new ChunkReader(new Redaction(), events::add);
            String first = arguments.substring(0, split);
            String second = arguments.substring(split);
            // A split inside a surrogate pair is a lone surrogate on each side: escaped, as a server would.
            fresh.accept(new ServerSentEvent("message", HEAD + "{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":"
                    + "\"function\",\"function\":{\"name\":\"f\",\"arguments\":" + quote(first) + "}}]}}]}", ""));
            fresh.accept(new ServerSentEvent("message", HEAD + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                    + quote(second) + "}}]}}]}", ""));
            StringBuilder joined = new StringBuilder();
            // An empty second half adds nothing: it is progress, not a fragment.
            events.stream().filter(ToolCall.class::isInstance).forEach(e -> joined.append(((ToolCall) e).arguments()));
            assertEquals(arguments, joined.toString(), "split at " + split);
        }
    }

    @Test
    void aFragmentThatAddsNothingIsProgressOnly() {
        feed(HEAD + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\"}}]},\"finish_reason\":null}]}");
        assertEquals(List.of(new Progress()), events);
    }

    @Test
    void indexesAreKeptAsSentEvenWhenOdd() {
        feed(HEAD + "{\"tool_calls\":[{\"index\":1,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}");
        feed(HEAD + "{\"tool_calls\":[{\"index\":0,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}");
        feed(HEAD + "{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"h\",\"arguments\":\"{}\"}}]}}]}");
        assertEquals(List.of(new ToolCall(1, "a", "f", "{}"), new ToolCall(0, "b", "g", "{}"),
                new ToolCall(0, "c", "h", "{}")), events);
    }

    @Test
    void callsWithoutAnIndexAreNumberedByTheirIdsAsOllamaSendsThem() {
        feed(HEAD + "{\"tool_calls\":[{\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":{\"a\": 1}}}]}}]}");
        feed(HEAD + "{\"tool_calls\":[{\"id\":\"call_2\",\"function\":{\"name\":\"g\",\"arguments\":\"{\"}}]}}]}");
        feed(HEAD + "{\"tool_calls\":[{\"function\":{\"arguments\":\"}\"}}]}}]}");
        assertEquals(List.of(new ToolCall(0, "call_1", "f", "{\"a\": 1}"), new ToolCall(1, "call_2", "g", "{"),
                new ToolCall(1, null, null, "}")), events);
    }

    @Test
    void refusalPiecesAreRelayedAndOnlyTheFirstChoiceCounts() {
        feed(HEAD + "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"\"},\"finish_reason\":null}]}");
        feed(HEAD + "{\"refusal\":\"I can't\"},\"finish_reason\":null},{\"index\":1,\"delta\":{\"refusal\":\"x\","
                + "\"tool_calls\":[{\"index\":0,\"id\":\"x\",\"function\":{\"name\":\"x\",\"arguments\":\"x\"}}]}}]}");
        feed(HEAD + "{\"refusal\":\" help with that.\"},\"finish_reason\":\"stop\"}]}");
        assertEquals(List.of(new Progress(), new Refusal("I can't"), new Refusal(" help with that."),
                new Finish("stop")), events);
    }

    @Test
    void logprobsAreTheUpstreamsOwnJsonOnOneLineAfterTheirText() {
        String logprobs = "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.0000031,\"bytes\":[72,105],"
                + "\"top_logprobs\":[{\"token\":\"Hi\",\"logprob\":-3.1E-6,\"bytes\":[72,105]}]}],\"refusal\":null}";
        feed(HEAD + "{\"content\":\"Hi\"},\"logprobs\":" + logprobs + ",\"finish_reason\":null}]}");
        feed(HEAD + "{\"content\":\"!\"},\"logprobs\":{\n  \"content\" : [ ],\r\n \"refusal\":null\n},"
                + "\"finish_reason\":null}]}");
        feed(HEAD + "{\"content\":\".\"},\"logprobs\":null,\"finish_reason\":null}]}");
        assertEquals(List.of(new Text("Hi"), new Logprobs(logprobs), new Text("!"),
                new Logprobs("{   \"content\" : [ ],   \"refusal\":null }"), new Text(".")), events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tool_calls", "content_filter", "length", "stop", "function_call", "something_new"})
    void finishReasonsAreKeptAsSent(String reason) {
        feed(HEAD + "{},\"logprobs\":null,\"finish_reason\":\"" + reason + "\"}]}");
        assertEquals(List.of(new Finish(reason)), events);
    }

    private void feed(String data) {
        reader.accept(new ServerSentEvent("message", data, ""));
    }

    private static String quote(String text) {
        return Json.createValue(text).toString();
    }
}
