package io.streamrelay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Many streams on one thread: non-blocking sockets, HTTP/1.1 with chunked bodies decoded by hand
 * ({@link StreamConnection}), lines parsed in place ({@link LineFormat}). It speaks the relay's SSE and NDJSON and,
 * to show its own ceiling, the upstream's OpenAI format. Every stream is validated ({@link TokenCheck}): each token
 * once, in order, with exactly the text the simulator wrote, then one done.
 */
final class LoadClient {

    /**
     * V1: the relay's OpenAI-compatible /v1/chat/completions, read like the upstream's own format. PEER_SSE and
     * PEER_NDJSON: the Spring WebFlux peer's {@code GET /stream} ({@code data:{"token":"…"}}, then
     * {@code data:[DONE]}) and {@code GET /chat} ({@code {"token":"…"}} lines; the body's end is the end).
     */
    enum Wire {
        SSE, NDJSON, V1, DIRECT, PEER_SSE, PEER_NDJSON;

        /** The peer's wire for the same transport, or null when the peer has none. */
        Wire peer() {
            return switch (this) {
                case SSE -> PEER_SSE;
                case NDJSON -> PEER_NDJSON;
                default -> null;
            };
        }

        String transport() {
            return name().replace("PEER_", "").toLowerCase(java.util.Locale.ROOT);
        }
    }

    record Plan(Wire wire, int port, int streams, int tokens, int minGapMs, int maxGapMs, boolean stamped,
                int connectsPerSecond, long timeoutMs) {
    }

    /** A class, not a record: every stream of the run adds to it as its tokens arrive, on the client's thread. */
    static final class Result {
        final Samples latency = new Samples();
        final Samples ttft = new Samples();
        final Samples pingGap = new Samples();
        final Samples tokenGap = new Samples();
        final Map<String, Integer> failures = new TreeMap<>();
        long tokens;
        int completed;
        long firstTokenNanos = Long.MAX_VALUE;
        long lastTokenNanos;
        long startNanos;
        long endNanos;

        double tokensPerSecond() {
            double seconds = (lastTokenNanos - firstTokenNanos) / 1e9;
            return seconds <= 0 ? 0 : tokens / seconds;
        }

        int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }

        void fail(String reason) {
            failures.merge(reason, 1, Integer::sum);
        }
    }

    private final Plan plan;
    private final Result result = new Result();
    private final Selector selector;
    private final List<StreamConnection> streams = new ArrayList<>();
    private int open;

    LoadClient(Plan plan) throws IOException {
        this.plan = plan;
        this.selector = Selector.open();
    }

    Result run() throws IOException {
        result.startNanos = System.nanoTime();
        long deadline = result.startNanos + TimeUnit.MILLISECONDS.toNanos(plan.timeoutMs());
        long connectGap = TimeUnit.SECONDS.toNanos(1) / Math.max(1, plan.connectsPerSecond());
        long nextConnect = result.startNanos;
        int started = 0;
        while ((started < plan.streams() || open > 0) && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            while (started < plan.streams() && now >= nextConnect) {
                connect();
                started++;
                nextConnect += connectGap;
            }
            long waitMs = started < plan.streams() ? Math.max(1, (nextConnect - now) / 1_000_000) : 50;
            selector.select(waitMs);
            long readAt = System.nanoTime();
            for (SelectionKey key : selector.selectedKeys()) {
                StreamConnection stream = (StreamConnection) key.attachment();
                try {
                    if (key.isConnectable()) {
                        stream.finishConnect(key);
                    } else if (key.isWritable()) {
                        stream.write(key);
                    } else if (key.isReadable()) {
                        stream.read(key, readAt);
                    }
                } catch (IOException e) {
                    stream.end(key, "io: " + e.getClass().getSimpleName());
                }
            }
            selector.selectedKeys().clear();
        }
        for (StreamConnection stream : streams) {
            stream.timeOut(selector);
        }
        result.endNanos = System.nanoTime();
        selector.close();
        return result;
    }

    private void connect() throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        StreamConnection stream = new StreamConnection(channel, plan, result, () -> open--);
        streams.add(stream);
        open++;
        if (channel.connect(new InetSocketAddress("127.0.0.1", plan.port()))) {
            channel.register(selector, SelectionKey.OP_WRITE, stream);
        } else {
            channel.register(selector, SelectionKey.OP_CONNECT, stream);
        }
    }
}
