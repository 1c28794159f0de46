package io.streamrelay.upstream.control;

import io.streamrelay.testing.GeneratedStream;
import io.streamrelay.upstream.entity.ServerSentEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The parser alone on the streams NativeToolCallsIT relays: every piece, as the generator meant it. */
class GeneratedStreamReadTest {

    @Test
    void everyGeneratedStreamReadsBackToWhatItSays() {
        for (long seed = 1; seed <= 200; seed++) {
            GeneratedStream stream = GeneratedStream.of(seed);
            List<UpstreamEvent> events = new ArrayList<>();
            ChunkReader reader = new ChunkReader(new Redaction(), events::add);
            stream.chunks().forEach(c -> reader.accept(new ServerSentEvent("message", c, "")));
            reader.accept(new ServerSentEvent("message", "[DONE]", ""));
            List<String> tokens = new ArrayList<>();
            StringBuilder reasoning = new StringBuilder();
            Map<Integer, String> arguments = new TreeMap<>();
            for (UpstreamEvent event : events) {
                if (event instanceof UpstreamEvent.Text text) {
                    tokens.add(text.text());
                } else if (event instanceof UpstreamEvent.Reasoning thought) {
                    reasoning.append(thought.text());
                } else if (event instanceof UpstreamEvent.ToolCall call) {
                    arguments.merge(call.index(), call.arguments(), String::concat);
                }
            }
            Map<Integer, String> meant = new TreeMap<>();
            stream.calls().forEach((index, call) -> meant.put(index, call.arguments()));
            String where = "seed " + seed + ": " + events;
            assertEquals(stream.tokens(), tokens, where);
            assertEquals(stream.reasoning(), reasoning.toString(), where);
            assertEquals(meant, arguments, where);
            assertEquals(new UpstreamEvent.End(true), events.get(events.size() - 1), where);
        }
    }
}
