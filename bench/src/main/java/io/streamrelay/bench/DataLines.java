package io.streamrelay.bench;

import java.nio.ByteBuffer;

/**
 * The consumer every client under comparison feeds: counts newline-delimited {@code data:} lines, byte by byte,
 * across buffer boundaries. The same work for each client, so what differs between them is the client.
 */
final class DataLines {

    private static final byte[] PREFIX = {'d', 'a', 't', 'a', ':'};
    private int column;
    private boolean matching = true;
    long lines;
    boolean done;

    void feed(ByteBuffer buffer) {
        for (int i = buffer.position(), end = buffer.limit(); i < end; i++) {
            byte b = buffer.get(i);
            if (b == '\n') {
                column = 0;
                matching = true;
                continue;
            }
            if (matching && column < PREFIX.length) {
                matching = b == PREFIX[column];
                if (matching && column == PREFIX.length - 1) {
                    lines++;
                }
            } else if (matching && column == PREFIX.length + 1 && b == '[') {
                // "data: [DONE]"
                done = true;
            }
            column++;
        }
        buffer.position(buffer.limit());
    }
}
