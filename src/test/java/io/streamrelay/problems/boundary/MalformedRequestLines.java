package io.streamrelay.problems.boundary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw requests whose request line, framing or header block is broken, sent byte for byte to every family of
 * endpoints. Each names what must come back: a problem from the relay, or (where Payara's HTTP layer answers before
 * any application code runs) that layer's exact status with an empty body, as docs/errors.md lists it.
 */
final class MalformedRequestLines {

    /**
     * {@code problem}: the relay answers with a 4xx problem body ({@code typed}: with its Content-Type, which
     * Grizzly leaves out of every answer to an HTTP/0.9 request line); otherwise an empty body with exactly
     * {@code status}.
     */
    record Line(String name, byte[] bytes, int status, boolean problem, boolean typed) {
        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 70), StandardCharsets.ISO_8859_1);
            return name + ": " + MalformedRequests.printable(text.replace("\r\n", "⏎"));
        }
    }

    private static final String HOST = "Host: relay\r\nConnection: close\r\n";

    private MalformedRequestLines() {
    }

    static List<Line> all() {
        List<Line> all = new ArrayList<>();
        for (String target : List.of("/api/chat?prompt=hi", "/ndjson/chat?prompt=hi",
                "/api/generations/" + MalformedRequests.UNKNOWN_ID + "/events", "/api/metrics", "/")) {
            String bare = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            String glue = target.contains("?") ? "&" : "?";
            // Forms the relay sees and refuses itself.
            all.add(new Line("no HTTP version (HTTP/0.9)", bytes("GET " + target + "\r\n" + HOST + "\r\n",
                    StandardCharsets.ISO_8859_1), 0, true, false));
            all.add(problem("NUL in the target", "GET " + target + glue + "x=\0 HTTP/1.1\r\n" + HOST + "\r\n"));
            all.add(problem("raw non-ASCII in the target", bytes("GET " + target + glue + "x=é HTTP/1.1\r\n"
                    + HOST + "\r\n", StandardCharsets.UTF_8)));
            all.add(problem("raw 0xFF in the target", "GET " + target + glue + "x=\u00ff HTTP/1.1\r\n" + HOST + "\r\n"));
            all.add(problem("raw DEL in the target", "GET " + target + glue + "x=\u007f HTTP/1.1\r\n" + HOST + "\r\n"));
            all.add(problem("raw control in the path", "GET " + bare + "\u0001 HTTP/1.1\r\n" + HOST + "\r\n"));
            all.add(problem("two Host headers", "GET " + target + " HTTP/1.1\r\nHost: a\r\n" + HOST + "\r\n"));
            all.add(problem("empty header name", "GET " + target + " HTTP/1.1\r\n" + HOST + ": x\r\n\r\n"));
            all.add(problem("GET with a chunked body", "GET " + target + " HTTP/1.1\r\n" + HOST
                    + "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"));
            all.add(problem("unknown method", "BREW " + target + " HTTP/1.1\r\n" + HOST + "\r\n"));
            all.add(problem("control byte in the method", "G\u0001T " + target + " HTTP/1.1\r\n" + HOST + "\r\n"));
            // Forms Grizzly refuses while parsing, before any application code.
            all.add(empty("unknown version", "GET " + target + " HTTP/9.9\r\n" + HOST + "\r\n", 505));
            all.add(empty("lower-case version", "GET " + target + " http/1.1\r\n" + HOST + "\r\n", 505));
            all.add(empty("version with a suffix", "GET " + target + " HTTP/1.1x\r\n" + HOST + "\r\n", 505));
            all.add(empty("version without minor", "GET " + target + " HTTP/1\r\n" + HOST + "\r\n", 505));
            all.add(empty("a fourth token", "GET " + target + " HTTP/1.1 x\r\n" + HOST + "\r\n", 505));
            all.add(empty("space in the target", "GET " + bare + glue + "x=a b HTTP/1.1\r\n" + HOST + "\r\n", 505));
            all.add(empty("trailing space", "GET " + target + " HTTP/1.1 \r\n" + HOST + "\r\n", 505));
            all.add(empty("leading space", " GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n", 505));
            all.add(empty("CR inside the target", "GET " + bare + glue + "x=a\rb HTTP/1.1\r\n" + HOST + "\r\n", 505));
            all.add(empty("target without a slash", "GET " + target.substring(1) + " HTTP/1.1\r\n" + HOST + "\r\n",
                    400));
            all.add(empty("method alone", "GET\r\n" + HOST + "\r\n", 400));
            all.add(empty("bare LF line ends", ("GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n")
                    .replace("\r\n", "\n"), 400));
            all.add(empty("HTTP/1.1 without Host", "GET " + target + " HTTP/1.1\r\nConnection: close\r\n\r\n", 400));
            all.add(empty("header name with a slash", "GET " + target + " HTTP/1.1\r\n" + HOST + "X/Y: x\r\n\r\n",
                    400));
            all.add(empty("space in a header name", "GET " + target + " HTTP/1.1\r\n" + HOST + "X Y: z\r\n\r\n",
                    400));
            all.add(empty("request line over 8 KiB", "GET " + bare + glue + "x=" + "a".repeat(9000) + " HTTP/1.1\r\n"
                    + HOST + "\r\n", 400));
            all.add(empty("header over 8 KiB", "GET " + target + " HTTP/1.1\r\n" + HOST + "X-Note: "
                    + "a".repeat(9000) + "\r\n\r\n", 400));
            all.add(empty("101 headers", "GET " + target + " HTTP/1.1\r\n" + HOST + "X-N: v\r\n".repeat(101)
                    + "\r\n", 400));
            all.add(empty("non-ASCII header value", bytes("GET " + target + " HTTP/1.1\r\n" + HOST
                    + "Last-Event-ID: é\r\n\r\n", StandardCharsets.UTF_8), 400));
            all.add(empty("control byte in a header value", "GET " + target + " HTTP/1.1\r\n" + HOST
                    + "X-Note: a\u0001b\r\n\r\n", 400));
        }
        for (String target : List.of("/api/chat", "/ndjson/chat", "/api/generations")) {
            String post = "POST " + target + " HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n";
            all.add(empty("Content-Length not a number", post + "Content-Length: abc\r\n\r\n{}", 400));
            all.add(empty("negative Content-Length", post + "Content-Length: -1\r\n\r\n{}", 400));
            all.add(empty("two different Content-Lengths", post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                    400));
            all.add(empty("chunk size not hex", post + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
                    400));
        }
        return all;
    }

    private static Line problem(String name, String request) {
        return new Line(name, bytes(request, StandardCharsets.ISO_8859_1), 0, true, true);
    }

    private static Line problem(String name, byte[] request) {
        return new Line(name, request, 0, true, true);
    }

    private static Line empty(String name, String request, int status) {
        return new Line(name, bytes(request, StandardCharsets.ISO_8859_1), status, false, false);
    }

    private static Line empty(String name, byte[] request, int status) {
        return new Line(name, request, status, false, false);
    }

    private static byte[] bytes(String text, java.nio.charset.Charset charset) {
        return text.getBytes(charset);
    }
}
