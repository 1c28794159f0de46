package io.streamrelay.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw HTTP/1.1 client on a plain socket: it records the exact bytes of the response body, each line with the
 * moment it arrived, and leaving means closing the socket, which is what a browser tab does.
 */
public final class StreamClient implements Closeable {

    private final Socket socket;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final List<Line> lines = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ByteArrayOutputStream currentLine = new ByteArrayOutputStream();
    private volatile int status;

    /** A line of the body (without its line end) and its arrival time. */
    public record Line(String text, long nanos) {
    }

    private StreamClient(Socket socket) {
        this.socket = socket;
    }

    public static StreamClient get(URL base, String pathAndQuery, String accept) throws IOException {
        return open(base, "GET", pathAndQuery, accept, null, null);
    }

    public static StreamClient post(URL base, String path, String accept, String contentType, byte[] content)
            throws IOException {
        return open(base, "POST", path, accept, contentType, content);
    }

    public static StreamClient open(URL base, String method, String path, String accept, String contentType,
                                    byte[] content) throws IOException {
        return open(base, method, path, accept, contentType, content, Map.of());
    }

    public static StreamClient open(URL base, String method, String path, String accept, String contentType,
                                    byte[] content, Map<String, String> extraHeaders) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setTcpNoDelay(true);
        StreamClient client = new StreamClient(socket);
        String root = base.getPath().endsWith("/") ? base.getPath().substring(0, base.getPath().length() - 1)
                : base.getPath();
        StringBuilder request = new StringBuilder()
                .append(method).append(' ').append(root).append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                // Asked for, so that a container that compresses streams would be caught doing it.
                .append("Accept-Encoding: gzip, deflate\r\n")
                .append("Connection: close\r\n");
        if (accept != null) {
            request.append("Accept: ").append(accept).append("\r\n");
        }
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (content != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        if (content != null) {
            out.write(content);
        }
        out.flush();
        return client.startReading();
    }

    /**
     * Sends exactly these bytes (request line, headers, body: whatever a broken client sends) and reads the answer.
     * {@code /} at the start of the target is the deployment's root.
     */
    public static StreamClient raw(URL base, byte[] request) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setTcpNoDelay(true);
        StreamClient client = new StreamClient(socket);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        return client.startReading();
    }

    private StreamClient startReading() {
        StreamClient client = this;
        Thread reader = new Thread(client::read, "stream-client");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    private void read() {
        try {
            InputStream in = socket.getInputStream();
            String statusLine = readHeaderLine(in);
            status = Integer.parseInt(statusLine.split(" ")[1]);
            String line;
            while (!(line = readHeaderLine(in)).isEmpty()) {
                int colon = line.indexOf(':');
                synchronized (headers) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            synchronized (headers) {
                headers.notifyAll();
            }
            if ("chunked".equalsIgnoreCase(header("transfer-encoding"))) {
                readChunked(in);
            } else {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    accept(buffer, read);
                }
            }
            capture();
            ended.complete(null);
        } catch (IOException | RuntimeException e) {
            capture();
            ended.completeExceptionally(e);
        }
    }

    private void capture() {
        StringBuilder response = new StringBuilder("HTTP ").append(status).append('\n');
        synchronized (headers) {
            headers.forEach((name, value) -> response.append(name).append(": ").append(value).append('\n'));
        }
        String body;
        try {
            body = bodyText();
        } catch (AssertionError notInflatable) {
            synchronized (lines) {
                body = this.body.toString(StandardCharsets.UTF_8);
            }
        }
        Captured.append(response.append('\n').append(body).toString());
    }

    private void readChunked(InputStream in) throws IOException {
        while (true) {
            String size = readHeaderLine(in);
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                readHeaderLine(in);
                return;
            }
            byte[] chunk = in.readNBytes(length);
            if (chunk.length < length) {
                throw new IOException("connection ended inside a chunk");
            }
            accept(chunk, chunk.length);
            readHeaderLine(in);
        }
    }

    private void accept(byte[] bytes, int length) {
        long now = System.nanoTime();
        synchronized (lines) {
            body.write(bytes, 0, length);
            for (int i = 0; i < length; i++) {
                if (bytes[i] == '\n') {
                    byte[] raw = currentLine.toByteArray();
                    int end = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
                    lines.add(new Line(new String(raw, 0, end, StandardCharsets.UTF_8), now));
                    currentLine.reset();
                } else {
                    currentLine.write(bytes[i]);
                }
            }
            lines.notifyAll();
        }
    }

    private static String readHeaderLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("connection closed");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits for the whole response; a stream that never ends fails the test instead of hanging it. */
    public StreamClient awaitEnd(long timeout, TimeUnit unit) throws Exception {
        ended.get(timeout, unit);
        return this;
    }

    public boolean endedCleanly() {
        return ended.isDone() && !ended.isCompletedExceptionally();
    }

    /** Waits until a body line matches, and returns it. */
    public Line awaitLine(Predicate<String> matching, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lines) {
            while (true) {
                for (Line line : lines) {
                    if (matching.test(line.text())) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended.isDone()) {
                    throw new AssertionError("no line matched within the bound; got " + lines);
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    public int status() throws InterruptedException {
        awaitHeaders();
        return status;
    }

    public String header(String name) {
        synchronized (headers) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private void awaitHeaders() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        synchronized (headers) {
            while (status == 0 && System.nanoTime() < deadline && !ended.isDone()) {
                headers.wait(100);
            }
        }
    }

    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The body as text; a compressed one (allowed for problem bodies, never for streams) is inflated first. */
    public String bodyText() {
        byte[] bytes;
        synchronized (lines) {
            bytes = body.toByteArray();
        }
        if ("gzip".equalsIgnoreCase(header("content-encoding"))) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError("a gzip body that does not inflate", e);
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
