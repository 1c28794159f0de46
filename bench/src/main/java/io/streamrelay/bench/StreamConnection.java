package io.streamrelay.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One stream's connection: it writes the request, then takes HTTP/1.1 apart by hand (status line, headers, chunk
 * sizes) and hands each body line to its wire's format. By hand, because one non-blocking thread carries every
 * stream, and an HTTP client library's threads and allocations would be measured along with the relay.
 */
final class StreamConnection {

    private final SocketChannel channel;
    private final LoadClient.Plan plan;
    private final LineFormat format;
    private final TokenCheck check;
    /** Tells the client one stream fewer is open. */
    private final Runnable onClose;
    private final ByteBuffer in = ByteBuffer.allocate(16384);
    private final ResponseLine line = new ResponseLine();
    private final StringBuilder size = new StringBuilder();
    private ByteBuffer request;
    private String headerLine = "";
    private boolean headersDone;
    private long chunkLeft = -1;
    private boolean chunkTrailer;
    private boolean closed;

    StreamConnection(SocketChannel channel, LoadClient.Plan plan, LoadClient.Result result, Runnable onClose) {
        this.channel = channel;
        this.plan = plan;
        this.format = LineFormat.of(plan.wire());
        this.check = new TokenCheck(plan, result);
        this.onClose = onClose;
    }

    void finishConnect(SelectionKey key) throws IOException {
        channel.finishConnect();
        key.interestOps(SelectionKey.OP_WRITE);
    }

    void write(SelectionKey key) throws IOException {
        if (request == null) {
            request = ByteBuffer.wrap(ChatRequest.encode(plan));
            check.sent(System.nanoTime());
        }
        channel.write(request);
        if (!request.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** What the socket has now; every line in it counts as received at {@code now}, when the selector woke. */
    void read(SelectionKey key, long now) throws IOException {
        in.clear();
        int read = channel.read(in);
        if (read < 0) {
            end(key, "closed before done");
            return;
        }
        in.flip();
        while (in.hasRemaining() && !check.over()) {
            if (!headersDone) {
                headerByte(in.get());
            } else if (chunkLeft > 0) {
                int take = (int) Math.min(chunkLeft, in.remaining());
                for (int i = 0; i < take; i++) {
                    bodyByte(in.get(), now);
                }
                chunkLeft -= take;
                if (chunkLeft == 0) {
                    chunkTrailer = true;
                    chunkLeft = -1;
                }
            } else {
                sizeByte(in.get());
            }
        }
        if (check.over()) {
            end(key, null);
        }
    }

    private void headerByte(byte b) {
        if (b == '\n') {
            if (headerLine.isEmpty()) {
                headersDone = true;
            } else if (headerLine.startsWith("HTTP/1.1 ") && !headerLine.startsWith("HTTP/1.1 200")) {
                check.fail("status " + headerLine.substring(9, 12));
            }
            headerLine = "";
        } else if (b != '\r') {
            headerLine += (char) b;
        }
    }

    private void sizeByte(byte b) {
        if (b == '\n') {
            if (chunkTrailer) {
                chunkTrailer = false;
                size.setLength(0);
                return;
            }
            String hex = size.toString().trim();
            size.setLength(0);
            if (!hex.isEmpty()) {
                chunkLeft = Long.parseLong(hex, 16);
                if (chunkLeft == 0) {
                    format.bodyEnded(check);
                }
            }
        } else if (b != '\r') {
            size.append((char) b);
        }
    }

    private void bodyByte(byte b, long now) {
        if (b == '\n') {
            lineEnded(now);
            line.clear();
            return;
        }
        line.append(b);
    }

    private void lineEnded(long now) {
        int length = line.contentLength();
        if (length == 0) {
            return;
        }
        if (line.at(0) == ':') {
            check.ping(now);
            return;
        }
        format.read(line, length, check, now);
    }

    /** At the client's deadline: a stream still open then fails as timed out. */
    void timeOut(Selector selector) {
        if (!closed) {
            end(channel.keyFor(selector), "timed out");
        }
    }

    /** Closes the stream once; {@code failure} is its reason when it ended without its done. */
    void end(SelectionKey key, String failure) {
        if (closed) {
            return;
        }
        closed = true;
        onClose.run();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        check.closed(failure);
    }
}
