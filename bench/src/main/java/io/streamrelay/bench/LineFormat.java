package io.streamrelay.bench;

/**
 * How one wire's body lines read, once the connection has dropped the CR, skipped blank lines and counted
 * {@code :} comments as pings (alike on every wire). Three formats, because the relay's events, the OpenAI chunks
 * and the Spring peer's tokens each put the token text in another field and end in another way.
 */
sealed interface LineFormat permits RelayEventLines, OpenAiChunkLines, PeerTokenLines {

    /** One line: its first {@code length} bytes, read at {@code now}. */
    void read(ResponseLine line, int length, TokenCheck check, long now);

    /** The chunked body's last (empty) chunk arrived. */
    default void bodyEnded(TokenCheck check) {
    }

    static LineFormat of(LoadClient.Wire wire) {
        return switch (wire) {
            case SSE, NDJSON -> new RelayEventLines(wire == LoadClient.Wire.SSE);
            case DIRECT, V1 -> new OpenAiChunkLines(wire == LoadClient.Wire.V1);
            case PEER_SSE, PEER_NDJSON -> new PeerTokenLines(wire == LoadClient.Wire.PEER_SSE);
        };
    }
}
