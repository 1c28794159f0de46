package io.streamrelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A client that asks for a long, fast answer and then reads it very slowly through a small receive buffer, as a
 * phone on a bad network does: the relay must neither slow the other streams down for it nor hold its backlog
 * without bound.
 */
final class SlowReader implements Runnable {

    private final int port;
    private final String path;
    private final int tokens;
    private final long readEveryMs;
    private final int readBytes;
    private final long maxMs;
    volatile long bytesRead;
    volatile String outcome = "running";

    SlowReader(int port, String path, int tokens, long readEveryMs, int readBytes, long maxMs) {
        this.port = port;
        this.path = path;
        this.tokens = tokens;
        this.readEveryMs = readEveryMs;
        this.readBytes = readBytes;
        this.maxMs = maxMs;
    }

    @Override
    public void run() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            String body = "{\"prompt\":\"" + UpstreamSimulator.prompt(tokens, 0, 1) + "\"}";
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[readBytes];
            StringBuilder tail = new StringBuilder();
            while (System.nanoTime() < deadline) {
                int read = in.read(buffer);
                if (read < 0) {
                    outcome = tail.toString().contains("\"done\"") ? "finished" : "cut by the relay after "
                            + bytesRead / 1024 + " KiB";
                    return;
                }
                bytesRead += read;
                tail.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                if (tail.length() > 4096) {
                    tail.delete(0, tail.length() - 4096);
                }
                TimeUnit.MILLISECONDS.sleep(readEveryMs);
            }
            outcome = "still connected after " + maxMs / 1000 + " s, " + bytesRead / 1024 + " KiB read";
        } catch (IOException e) {
            outcome = "cut by the relay after " + bytesRead / 1024 + " KiB (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
