package io.streamrelay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The floor: one selector thread, one shared direct read buffer, plain HTTP only, the response (head and chunk
 * framing included) fed to the counter as it comes, ended by the server's close. A benchmark prototype, not a
 * client: no TLS, no pooling, no proxy, no chunk decoding.
 */
final class NioStreamingClient implements StreamingClient, Runnable {

    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer read = ByteBuffer.allocateDirect(64 * 1024);
    private final ConcurrentLinkedQueue<Stream> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private record Stream(SocketChannel channel, ByteBuffer request, DataLines lines, CompletableFuture<Void> done) {
    }

    NioStreamingClient() throws IOException {
        selector = Selector.open();
        thread = new Thread(this, "nio-client");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public CompletableFuture<Void> stream(URI uri, String body, DataLines lines) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nAccept-Encoding: identity\r\n"
                + "Content-Length: " + content.length + "\r\n\r\n";
        ByteBuffer request = ByteBuffer.allocate(head.length() + content.length);
        request.put(head.getBytes(StandardCharsets.US_ASCII)).put(content).flip();
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            pending.add(new Stream(channel, request, lines, done));
            selector.wakeup();
        } catch (IOException e) {
            done.complete(null);
        }
        return done;
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(100);
                Stream added;
                while ((added = pending.poll()) != null) {
                    added.channel.register(selector, SelectionKey.OP_CONNECT, added);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(SelectionKey key) {
        Stream stream = (Stream) key.attachment();
        try {
            if (key.isConnectable()) {
                stream.channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                stream.channel.write(stream.request);
                if (!stream.request.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                int n;
                while ((n = stream.channel.read(read.clear())) > 0) {
                    stream.lines.feed(read.flip());
                }
                if (n < 0) {
                    end(key, stream);
                }
            }
        } catch (IOException e) {
            end(key, stream);
        }
    }

    private static void end(SelectionKey key, Stream stream) {
        key.cancel();
        try {
            stream.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        stream.done.complete(null);
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
        selector.close();
    }
}
