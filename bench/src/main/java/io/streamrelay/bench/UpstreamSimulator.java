package io.streamrelay.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible upstream for load: one thread, non-blocking sockets, each stream paced by its own plan
 * (read from the prompt: {@code bench tokens=200 gap=20-40}). Every token's text carries its sequence number
 * and the {@code System.nanoTime()} at which it was written, so a client in this same process measures the
 * delay the relay added.
 */
final class UpstreamSimulator implements Closeable, Runnable {

    static final Pattern PLAN = Pattern.compile("bench tokens=(\\d+) gap=(\\d+)-(\\d+)");
    static final byte[] HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final PriorityQueue<SimulatedStream> due = new PriorityQueue<>((a, b) -> Long.compare(a.nextNanos, b.nextNanos));
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

    Selector selector() {
        return selector;
    }

    /** A stream's next token is due at its {@code nextNanos}. */
    void schedule(SimulatedStream stream) {
        due.add(stream);
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
                SimulatedStream next = due.peek();
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
                channel.register(selector, SelectionKey.OP_READ, new SimulatedStream(this, channel));
            }
            return;
        }
        SimulatedStream stream = (SimulatedStream) key.attachment();
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
            SimulatedStream stream = due.poll();
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

    static String chunkJson(String delta, String finish) {
        return "{\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }
}
