package io.streamrelay.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible upstream for load: one thread, non-blocking sockets, each stream paced by its own plan
 * (read from the prompt: {@code bench tokens=200 gap=20-40}). Every token's text carries its sequence number
 * and the {@code System.nanoTime()} at which it was written, so a client in this same process measures the
 * delay the relay added.
 */
final class UpstreamSimulator implements Closeable, Runnable {

    private static final Pattern PLAN = Pattern.compile("bench tokens=(\\d+) gap=(\\d+)-(\\d+)");
    private static final byte[] HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final PriorityQueue<Stream> due = new PriorityQueue<>((a, b) -> Long.compare(a.nextNanos, b.nextNanos));
    private final Thread thread;
    private volatile boolean running = true;
    volatile long tokensWritten;

    UpstreamSimulator() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this, "upstream-simulator");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    static String prompt(int tokens, int minGapMs, int maxGapMs) {
        return "bench tokens=" + tokens + " gap=" + minGapMs + "-" + maxGapMs;
    }

    /** The exact text of token {@code seq} stamped {@code nanos}; the client rebuilds it to validate what came. */
    static String tokenText(long seq, long nanos) {
        return " " + seq + ":" + nanos + "é";
    }

    @Override
    public void run() {
        try {
            while (running) {
                long wait = 0;
                Stream next = due.peek();
                if (next != null) {
                    wait = Math.max(0, next.nextNanos - System.nanoTime());
                }
                if (next != null && wait == 0) {
                    selector.selectNow();
                } else if (next != null && wait < TimeUnit.MILLISECONDS.toNanos(1)) {
                    selector.selectNow();
                    LockSupport.parkNanos(wait);
                } else {
                    selector.select(next == null ? 100 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                writeDue();
            }
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            SocketChannel channel;
            while ((channel = server.accept()) != null) {
                channel.configureBlocking(false);
                channel.socket().setTcpNoDelay(true);
                channel.register(selector, SelectionKey.OP_READ, new Stream(channel));
            }
            return;
        }
        Stream stream = (Stream) key.attachment();
        if (key.isReadable()) {
            stream.read(key);
        }
        if (key.isValid() && key.isWritable()) {
            stream.flush(key);
        }
    }

    private void writeDue() {
        long now = System.nanoTime();
        while (!due.isEmpty() && due.peek().nextNanos <= now) {
            Stream stream = due.poll();
            if (stream.emit()) {
                due.add(stream);
            }
            now = System.nanoTime();
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        selector.close();
    }

    private final class Stream {
        private final SocketChannel channel;
        private ByteBuffer in = ByteBuffer.allocate(8192);
        private ByteBuffer out = ByteBuffer.allocate(4096);
        private int tokens;
        private long minGapNanos;
        private long maxGapNanos;
        private int seq;
        private long nextNanos;
        private boolean closed;
        private boolean finished;

        Stream(SocketChannel channel) {
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
            Matcher plan = PLAN.matcher(text);
            if (!plan.find()) {
                throw new IllegalStateException("no plan in request: " + text);
            }
            tokens = Integer.parseInt(plan.group(1));
            minGapNanos = TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(plan.group(2)));
            maxGapNanos = TimeUnit.MILLISECONDS.toNanos(Integer.parseInt(plan.group(3)));
            append(HEAD);
            chunk("data: " + chunkJson("{\"role\":\"assistant\",\"content\":\"\"}", null) + "\n\n");
            flush(key);
            nextNanos = System.nanoTime() + gap();
            due.add(this);
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
            SelectionKey key = channel.keyFor(selector);
            if (seq < tokens) {
                seq++;
                long stamp = System.nanoTime();
                chunk("data: " + chunkJson("{\"content\":\"" + tokenText(seq, stamp) + "\"}", null) + "\n\n");
                tokensWritten++;
                flushQuietly(key);
                nextNanos += gap();
                return !closed;
            }
            chunk("data: " + chunkJson("{\"content\":\"\"}", "stop") + "\n\n"
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

    static String chunkJson(String delta, String finish) {
        return "{\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }
}
