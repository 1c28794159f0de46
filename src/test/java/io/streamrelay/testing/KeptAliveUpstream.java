package io.streamrelay.testing;

import javax.net.ssl.SSLContext;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible upstream (over TLS, or plain) that keeps its connections alive, as the real ones do: it
 * answers any number of requests on one connection (chunked, {@code [DONE]}, then the last chunk a moment later, as
 * separate writes), and counts the connections it accepted. A prompt containing {@code slow} gets a token every
 * 100 ms until the client closes the connection, which {@link #slowClosed} records; one starting with the refused
 * prefix, if any, gets a 503 (so that the relay falls over to its fallback).
 */
public final class KeptAliveUpstream implements Closeable {

    public static final List<String> TOKENS = List.of("Hello", " over", " TLS");

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kept-alive-upstream");
        t.setDaemon(true);
        return t;
    });
    public final AtomicInteger connections = new AtomicInteger();
    /** Each request's last user message, in order of arrival. */
    public final List<String> prompts = new CopyOnWriteArrayList<>();
    /** Completes when the client closed the connection of a {@code slow} answer. */
    public final CompletableFuture<Void> slowClosed = new CompletableFuture<>();
    private final String refused;

    /** {@code tls} null: plain HTTP; {@code refused}: the prompt prefix answered with 503, or null. */
    public KeptAliveUpstream(SSLContext tls, String refused) throws IOException {
        this.refused = refused;
        server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        threads.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ScriptedUpstream.Request request;
            while ((request = ScriptedUpstream.Request.read(in)) != null) {
                String prompt = Json.lastUserContent(request.body());
                prompts.add(prompt);
                if (refused != null && prompt.startsWith(refused)) {
                    String body = "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}";
                    write(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body);
                    continue;
                }
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                chunk(out, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                if (prompt.contains("slow")) {
                    try {
                        for (int i = 0; i < 1200; i++) {
                            chunk(out, "{\"content\":\"t" + i + " \"}", null);
                            TimeUnit.MILLISECONDS.sleep(100);
                        }
                    } catch (IOException closed) {
                        slowClosed.complete(null);
                    }
                    return;
                }
                for (String token : TOKENS) {
                    chunk(out, "{\"content\":\"" + token + "\"}", null);
                }
                chunk(out, "{}", "stop");
                write(out, frame("data: [DONE]\n\n"));
                // The last chunk on its own, later: a client that closes at [DONE] never gets to reuse the connection.
                TimeUnit.MILLISECONDS.sleep(50);
                write(out, "0\r\n\r\n");
            }
        } catch (IOException | InterruptedException gone) {
            // the client left
        }
    }

    private static void chunk(OutputStream out, String delta, String finish) throws IOException {
        write(out, frame("data: {\"id\":\"k\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kept\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n"));
    }

    private static String frame(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
