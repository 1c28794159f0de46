package io.streamrelay.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stream of the {@link UpstreamSimulator}, on its selector thread: reads the request, takes the plan from its
 * prompt, then writes the role chunk, one stamped token per due time, the usage chunk and {@code [DONE]}, chunked,
 * and closes the connection.
 */
final class SimulatedStream {

    private final UpstreamSimulator simulator;
    private final SocketChannel channel;
    private ByteBuffer in = ByteBuffer.allocate(8192);
    private ByteBuffer out = ByteBuffer.allocate(4096);
    private int tokens;
    private long minGapNanos;
    private long maxGapNanos;
    private int seq;
    long nextNanos;
    private boolean closed;
    private boolean finished;

    SimulatedStream(UpstreamSimulator simulator, SocketChannel channel) {
        this.simulator = simulator;
        this.channel = channel;
    }

    void read(SelectionKey key) throws IOException {
        int read;
        try {
            read = channel.read(in);
        } catch (IOException reset) {
            read = -1;
        }
        if (read < 0) {
            close(key);
            return;
        }
        if (tokens > 0) {
            return;
        }
        String text = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            grow();
            return;
        }
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        if (in.position() < headEnd + 4 + bodyLength) {
            grow();
            return;
        }
        Matcher plan = UpstreamSimulator.PLAN.matcher(text);
        if (!plan.find()) {
            throw new IllegalStateException("no plan in request: " + text);
        }
        tokens = Integer.parseInt(plan.group(1));
        minGapNanos = TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(plan.group(2)));
        maxGapNanos = TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(plan.group(3)));
        append(UpstreamSimulator.HEAD);
        chunk("data: " + UpstreamSimulator.chunkJson("{\"role\":\"assistant\",\"content\":\"\"}", null) + "\n\n");
        flush(key);
        nextNanos = System.nanoTime() + gap();
        simulator.schedule(this);
    }

    private void grow() {
        if (!in.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
            in.flip();
            bigger.put(in);
            in = bigger;
        }
    }

    /** Writes the next token (or the end); true while the stream has more to send. */
    boolean emit() {
        if (closed) {
            return false;
        }
        SelectionKey key = channel.keyFor(simulator.selector());
        if (seq < tokens) {
            seq++;
            long stamp = System.nanoTime();
            chunk("data: " + UpstreamSimulator.chunkJson("{\"content\":\"" + UpstreamSimulator.tokenText(seq, stamp) + "\"}", null) + "\n\n");
            simulator.tokensWritten++;
            flushQuietly(key);
            nextNanos += gap();
            return !closed;
        }
        chunk("data: " + UpstreamSimulator.chunkJson("{\"content\":\"\"}", "stop") + "\n\n"
                + "data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":" + tokens
                + ",\"total_tokens\":" + (tokens + 8) + "}}\n\ndata: [DONE]\n\n");
        append("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        finished = true;
        flushQuietly(key);
        return false;
    }

    private long gap() {
        return minGapNanos == maxGapNanos ? minGapNanos
                : ThreadLocalRandom.current().nextLong(minGapNanos, maxGapNanos + 1);
    }

    private void chunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        append((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        append(bytes);
        append(new byte[]{'\r', '\n'});
    }

    private void append(byte[] bytes) {
        if (out.remaining() < bytes.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + bytes.length));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        out.put(bytes);
    }

    private void flushQuietly(SelectionKey key) {
        try {
            flush(key);
        } catch (IOException e) {
            close(key);
        }
    }

    void flush(SelectionKey key) throws IOException {
        out.flip();
        try {
            channel.write(out);
        } catch (IOException reset) {
            close(key);
            return;
        }
        out.compact();
        if (out.position() > 0) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else {
            key.interestOps(SelectionKey.OP_READ);
            if (finished) {
                close(key);
            }
        }
    }

    private void close(SelectionKey key) {
        closed = true;
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
