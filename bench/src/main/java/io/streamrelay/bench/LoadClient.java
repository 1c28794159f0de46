package io.streamrelay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Many streams on one thread: non-blocking sockets, HTTP/1.1 with chunked bodies decoded by hand, lines parsed in
 * place. It speaks the relay's SSE and NDJSON and, to show its own ceiling, the upstream's OpenAI format. Every
 * stream is validated: each token once, in order, with exactly the text the simulator wrote, then one done.
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

    private static final byte[] TEXT_FIELD = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_FIELD = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOKEN_FIELD = "\"token\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE_FIELD = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);

    private final Plan plan;
    private final Result result = new Result();
    private final Selector selector;
    private final List<Stream> streams = new ArrayList<>();
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
                Stream stream = (Stream) key.attachment();
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
        for (Stream stream : streams) {
            if (!stream.closed) {
                stream.end(stream.channel.keyFor(selector), "timed out");
            }
        }
        result.endNanos = System.nanoTime();
        selector.close();
        return result;
    }

    private void connect() throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Stream stream = new Stream(channel, streams.size());
        streams.add(stream);
        open++;
        if (channel.connect(new InetSocketAddress("127.0.0.1", plan.port()))) {
            channel.register(selector, SelectionKey.OP_WRITE, stream);
        } else {
            channel.register(selector, SelectionKey.OP_CONNECT, stream);
        }
    }

    private byte[] request() {
        String prompt = UpstreamSimulator.prompt(plan.tokens(), plan.minGapMs(), plan.maxGapMs());
        if (plan.wire() == Wire.PEER_SSE || plan.wire() == Wire.PEER_NDJSON) {
            String query = prompt.replace(" ", "%20").replace("=", "%3D");
            return ("GET " + (plan.wire() == Wire.PEER_SSE ? "/stream" : "/chat") + "?prompt=" + query
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
                    + (plan.wire() == Wire.PEER_SSE ? "text/event-stream" : "application/x-ndjson")
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        }
        String path = switch (plan.wire()) {
            case SSE -> "/api/chat";
            case NDJSON -> "/ndjson/chat";
            case V1 -> "/v1/chat/completions";
            case DIRECT -> "/chat/completions";
            default -> throw new IllegalStateException(plan.wire().name());
        };
        String body = "{" + (plan.wire() == Wire.V1 ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]"
                + (plan.stamped() ? "" : ",\"max_tokens\":" + plan.tokens()) + "}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: " + (plan.wire() == Wire.NDJSON ? "application/x-ndjson" : "text/event-stream") + "\r\n"
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    private final class Stream {
        final SocketChannel channel;
        final int index;
        ByteBuffer request;
        final ByteBuffer in = ByteBuffer.allocate(16384);
        byte[] line = new byte[512];
        int lineLength;
        boolean headersDone;
        long chunkLeft = -1;
        boolean chunkTrailer;
        long expectedSeq = 1;
        long sentNanos;
        long lastEventNanos;
        long lastTokenNanos;
        boolean sawDone;
        boolean failed;
        boolean closed;
        String headerLine = "";

        Stream(SocketChannel channel, int index) {
            this.channel = channel;
            this.index = index;
        }

        void finishConnect(SelectionKey key) throws IOException {
            channel.finishConnect();
            key.interestOps(SelectionKey.OP_WRITE);
        }

        void write(SelectionKey key) throws IOException {
            if (request == null) {
                request = ByteBuffer.wrap(request());
                sentNanos = System.nanoTime();
                lastEventNanos = sentNanos;
            }
            channel.write(request);
            if (!request.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        void read(SelectionKey key, long now) throws IOException {
            in.clear();
            int read = channel.read(in);
            if (read < 0) {
                end(key, "closed before done");
                return;
            }
            in.flip();
            while (in.hasRemaining() && !failed && !sawDone) {
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
            if (failed || sawDone) {
                end(key, null);
            }
        }

        private void headerByte(byte b) {
            if (b == '\n') {
                if (headerLine.isEmpty()) {
                    headersDone = true;
                } else if (headerLine.startsWith("HTTP/1.1 ") && !headerLine.startsWith("HTTP/1.1 200")) {
                    failStream("status " + headerLine.substring(9, 12));
                }
                headerLine = "";
            } else if (b != '\r') {
                headerLine += (char) b;
            }
        }

        private final StringBuilder size = new StringBuilder();

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
                    if (chunkLeft == 0 && plan.wire() == Wire.PEER_NDJSON) {
                        // The peer's NDJSON has no done line: the body's end after every token is the done.
                        if (plan.stamped() && expectedSeq != plan.tokens() + 1) {
                            failStream("body ended after " + (expectedSeq - 1) + " tokens");
                        }
                        sawDone = true;
                    }
                }
            } else if (b != '\r') {
                size.append((char) b);
            }
        }

        private void bodyByte(byte b, long now) {
            if (b == '\n') {
                handleLine(now);
                lineLength = 0;
                return;
            }
            if (lineLength == line.length) {
                line = java.util.Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = b;
        }

        private void handleLine(long now) {
            int length = lineLength;
            if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
            if (length == 0) {
                return;
            }
            if (line[0] == ':') {
                ping(now);
                return;
            }
            if (plan.wire() == Wire.PEER_SSE || plan.wire() == Wire.PEER_NDJSON) {
                peerLine(length, now);
                return;
            }
            int from = 0;
            if (startsWith("data: ")) {
                from = 6;
            } else if (plan.wire() == Wire.SSE) {
                return; // event: and id: lines; the data line says it all
            }
            if (plan.wire() == Wire.DIRECT || plan.wire() == Wire.V1) {
                if (startsWith("data: [DONE]")) {
                    if (plan.stamped() && plan.wire() == Wire.V1 && expectedSeq != plan.tokens() + 1) {
                        failStream("[DONE] after " + (expectedSeq - 1) + " tokens");
                    }
                    sawDone = true;
                    return;
                }
                if (startsWith("data: {\"error\"")) {
                    failStream("error " + new String(line, 0, length, StandardCharsets.UTF_8));
                    return;
                }
                int text = indexOf(CONTENT_FIELD, from, length);
                // The role chunk and the finish chunk carry an empty content: no token.
                if (text >= 0 && line[text + CONTENT_FIELD.length] != '"') {
                    token(text + CONTENT_FIELD.length, length, now);
                }
                return;
            }
            int type = indexOf(TYPE_FIELD, from, length);
            if (type < 0) {
                failStream("line without type");
                return;
            }
            int t = type + TYPE_FIELD.length;
            switch (line[t]) {
                case 't' -> token(indexOf(TEXT_FIELD, t, length) + TEXT_FIELD.length, length, now);
                case 'p' -> ping(now);
                case 'd' -> {
                    if (plan.stamped() && expectedSeq != plan.tokens() + 1) {
                        failStream("done after " + (expectedSeq - 1) + " tokens");
                    }
                    sawDone = true;
                }
                case 'e' -> {
                    String json = new String(line, 0, length, StandardCharsets.UTF_8);
                    int code = json.indexOf("\"code\":\"");
                    failStream("error " + (code < 0 ? "?" : json.substring(code + 8, json.indexOf('"', code + 8))));
                }
                default -> {
                    // start
                }
            }
        }

        /** The Spring peer: {@code data:} lines (or bare NDJSON lines) of {"token":"…"}, [DONE] or an error. */
        private void peerLine(int length, long now) {
            int from = 0;
            if (plan.wire() == Wire.PEER_SSE) {
                if (!startsWith("data:")) {
                    if (startsWith("event:error")) {
                        failStream("error event");
                    }
                    return;
                }
                from = line[5] == ' ' ? 6 : 5;
                if (length - from == 6 && line[from] == '[' && line[from + 1] == 'D') {
                    if (plan.stamped() && expectedSeq != plan.tokens() + 1) {
                        failStream("[DONE] after " + (expectedSeq - 1) + " tokens");
                    }
                    sawDone = true;
                    return;
                }
            }
            int token = indexOf(TOKEN_FIELD, from, length);
            if (token < 0) {
                failStream("error " + new String(line, 0, length, StandardCharsets.UTF_8));
                return;
            }
            token(token + TOKEN_FIELD.length, length, now);
        }

        private void ping(long now) {
            // Before the first token the gap would include the stream's start-up, not the heartbeat's timing.
            if (expectedSeq > 1) {
                result.pingGap.add(now - lastEventNanos);
            }
            lastEventNanos = now;
        }

        private void token(int textFrom, int length, long now) {
            int textTo = textFrom;
            while (textTo < length && line[textTo] != '"') {
                if (line[textTo] == '\\' && plan.stamped()) {
                    failStream("escaped text");
                    return;
                }
                textTo++;
            }
            if (expectedSeq == 1) {
                result.ttft.add(now - sentNanos);
            } else {
                result.tokenGap.add(now - lastTokenNanos);
            }
            if (plan.stamped()) {
                // " <seq>:<nanos>é": rebuild the exact text and compare byte for byte.
                int colon = textFrom + 1;
                while (colon < textTo && line[colon] != ':') {
                    colon++;
                }
                long seq = parse(textFrom + 1, colon);
                long stamp = parse(colon + 1, textTo - 2);
                byte[] expected = UpstreamSimulator.tokenText(expectedSeq, stamp).getBytes(StandardCharsets.UTF_8);
                if (seq != expectedSeq || !java.util.Arrays.equals(line, textFrom, textTo, expected, 0,
                        expected.length)) {
                    failStream("token out of order or altered");
                    return;
                }
                result.latency.add(now - stamp);
            }
            expectedSeq++;
            result.tokens++;
            lastTokenNanos = now;
            lastEventNanos = now;
            result.firstTokenNanos = Math.min(result.firstTokenNanos, now);
            result.lastTokenNanos = Math.max(result.lastTokenNanos, now);
        }

        private long parse(int from, int to) {
            long value = 0;
            for (int i = from; i < to; i++) {
                value = value * 10 + (line[i] - '0');
            }
            return value;
        }

        private boolean startsWith(String prefix) {
            if (lineLength < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (line[i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private int indexOf(byte[] needle, int from, int to) {
            outer:
            for (int i = from; i <= to - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (line[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private void failStream(String reason) {
            if (!failed) {
                failed = true;
                result.fail(reason);
            }
        }

        /** Closes the stream once; a stream counts as completed only with its done and no failure. */
        void end(SelectionKey key, String failure) {
            if (closed) {
                return;
            }
            closed = true;
            open--;
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed anyway
            }
            if (!failed && sawDone) {
                result.completed++;
            } else {
                failStream(failure == null ? "closed before done" : failure);
            }
        }
    }
}
