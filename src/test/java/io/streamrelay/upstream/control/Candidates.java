package io.streamrelay.upstream.control;

import java.util.function.ToIntFunction;

/** Other chunk parsers ChunkParseBench can compare against, by name. */
final class Candidates {

    private Candidates() {
    }

    static ToIntFunction<String> named(String name) {
        if (name.equals("full-path")) {
            // The whole upstream read path per chunk: bytes through EventStreamParser, UTF-8 decoding and ChunkReader.
            java.util.Map<String, byte[]> wire = new java.util.IdentityHashMap<>();
            int[] events = {0};
            EventStreamParser parser = new EventStreamParser(new ChunkReader(new Redaction(), e -> events[0]++),
                    StreamSubscriber.MAX_LINE_BYTES);
            return chunk -> {
                byte[] bytes = wire.computeIfAbsent(chunk, c -> ("data: " + c + "\n\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                parser.feed(java.nio.ByteBuffer.wrap(bytes));
                return events[0];
            };
        }
        throw new IllegalArgumentException(name);
    }
}
