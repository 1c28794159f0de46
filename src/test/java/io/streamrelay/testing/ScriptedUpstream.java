package io.streamrelay.testing;

import java.io.ByteArrayOutputStream;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 upstream on loopback that answers {@code POST /chat/completions} the way DeepSeek and OpenAI do,
 * byte for byte: chunked transfer encoding, {@code data:} events, {@code : keep-alive} comments, the usage chunk,
 * {@code [DONE]}, error bodies, cuts and stalls. Raw sockets, so a test controls every write boundary (UTF-8
 * split across TCP segments) and sees the moment the relay closes the connection.
 * <p>
 * The scenario is chosen by the last user message: {@code "<scenario>: anything"}.
 */
public final class ScriptedUpstream implements Closeable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-upstream");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
    private final Map<String, Exchange> byPrompt = new ConcurrentHashMap<>();
    private final Map<String, List<Exchange>> allByPrompt = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Plays this script whatever the prompt says (a fallback that always answers); null: the prompt decides. */
    private final Script forced;

    public ScriptedUpstream() throws IOException {
        this(null);
    }

    public ScriptedUpstream(Script forced) throws IOException {
        this.forced = forced;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        threads.execute(this::accept);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The exchange whose last user message was exactly {@code prompt}, waiting for it up to a bound. */
    public Exchange exchangeFor(String prompt, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline) {
            Exchange exchange = byPrompt.get(prompt);
            if (exchange != null) {
                return exchange;
            }
            Exchange next = exchanges.poll(50, TimeUnit.MILLISECONDS);
            if (next != null && next.prompt().equals(prompt)) {
                return next;
            }
        }
        throw new AssertionError("the upstream never received a request for: " + prompt);
    }

    /** How often the model was asked this exact prompt: a resume must never ask again. */
    public int requestsFor(String prompt) {
        return exchangesFor(prompt).size();
    }

    /** Every request received for this prompt so far, in order of arrival. */
    public List<Exchange> exchangesFor(String prompt) {
        List<Exchange> all = allByPrompt.get(prompt);
        if (all == null) {
            return List.of();
        }
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    public int openConnections() {
        return open.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        open.incrementAndGet();
        try (socket) {
            InputStream in = socket.getInputStream();
            Request request = Request.read(in);
            if (request == null) {
                return;
            }
            List<Exchange> earlier = allByPrompt.computeIfAbsent(Json.lastUserContent(request.body()),
                    p -> new java.util.ArrayList<>());
            Exchange exchange;
            synchronized (earlier) {
                exchange = new Exchange(request, earlier.size() + 1);
                earlier.add(exchange);
            }
            byPrompt.put(exchange.prompt(), exchange);
            exchanges.add(exchange);
            // The relay sends nothing more on this connection, so a read that ends means it closed the socket.
            threads.execute(() -> watchClose(in, exchange));
            OutputStream out = socket.getOutputStream();
            // A conversation that ends with tool results gets the normal answer: the round trip's second request.
            Script script = forced != null ? forced
                    : lastRoleIsTool(exchange.body()) ? Script.NORMAL : Script.forPrompt(exchange.prompt());
            script.play(new Wire(out, exchange));
            exchange.finished.complete(null);
        } catch (IOException | InterruptedException relayLeft) {
            // The relay closed the connection mid-script: watchClose has recorded when.
        } finally {
            open.decrementAndGet();
        }
    }

    private static boolean lastRoleIsTool(String body) {
        var messages = jakarta.json.Json.createReader(new java.io.StringReader(body)).readObject()
                .getJsonArray("messages");
        return "tool".equals(messages.getJsonObject(messages.size() - 1).getString("role", null));
    }

    private static void watchClose(InputStream in, Exchange exchange) {
        try {
            while (in.read() >= 0) {
                // Drain anything unexpected; only the end matters.
            }
        } catch (IOException reset) {
            // A reset is a close too.
        }
        exchange.closedByRelay.complete(System.nanoTime());
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }

    /** One request the relay made, and what became of its connection. */
    public static final class Exchange {
        private final Request request;
        /** 1 for the first request with this prompt, 2 for the relay's first retry, and so on. */
        public final int attempt;
        /** nanoTime when the request had been read. */
        public final long arrivedNanos = System.nanoTime();
        /** nanoTime when the relay closed the connection (or it broke). */
        public final CompletableFuture<Long> closedByRelay = new CompletableFuture<>();
        /** Completes when the script played to its end without the relay leaving. */
        public final CompletableFuture<Void> finished = new CompletableFuture<>();
        /** A script that waits for its cue (FLOOD) starts its answer once a test completes this. */
        public final CompletableFuture<Void> cue = new CompletableFuture<>();

        Exchange(Request request, int attempt) {
            this.request = request;
            this.attempt = attempt;
        }

        public String body() {
            return request.body();
        }

        public String header(String name) {
            return request.headers().get(name.toLowerCase(Locale.ROOT));
        }

        public String path() {
            return request.path();
        }

        public String prompt() {
            return Json.lastUserContent(request.body());
        }
    }

    record Request(String method, String path, Map<String, String> headers, String body) {

        static Request read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            }
            List<String> lines = List.of(head.toString(StandardCharsets.ISO_8859_1).split("\r\n"));
            String[] requestLine = lines.get(0).split(" ");
            Map<String, String> headers = new ConcurrentHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Request(requestLine[0], requestLine[1], headers, new String(body, StandardCharsets.UTF_8));
        }
    }
}
