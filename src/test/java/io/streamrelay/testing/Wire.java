package io.streamrelay.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The upstream's side of one connection: writes exactly the bytes a script asks for, one TCP write each. */
final class Wire {

    private final OutputStream out;
    private final ScriptedUpstream.Exchange exchange;
    private boolean chunked;

    Wire(OutputStream out, ScriptedUpstream.Exchange exchange) {
        this.out = out;
        this.exchange = exchange;
    }

    ScriptedUpstream.Exchange exchange() {
        return exchange;
    }

    void streamHeaders() throws IOException {
        streamHeaders("");
    }

    /** {@code extraHeaders}: whole header lines, each ending in CRLF. */
    void streamHeaders(String extraHeaders) throws IOException {
        chunked = true;
        raw("HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/event-stream; charset=utf-8\r\n"
                + extraHeaders
                + "Cache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n");
    }

    void errorResponse(int status, String reason, String extraHeaders, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        raw("HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/json\r\n"
                + extraHeaders
                + "Content-Length: " + bytes.length + "\r\n"
                + "Connection: close\r\n\r\n");
        out.write(bytes);
        out.flush();
    }

    /** One HTTP chunk, flushed: what a server writes per event. */
    void chunk(String text) throws IOException {
        chunk(text.getBytes(StandardCharsets.UTF_8));
    }

    void chunk(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return;
        }
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The terminating zero-length chunk: a clean end of the body. */
    void end() throws IOException {
        if (chunked) {
            raw("0\r\n\r\n");
        }
    }

    void pause(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }

    /** Waits until the relay closes the connection, keeping it otherwise silent. */
    void awaitClose(long maxMillis) throws InterruptedException {
        try {
            exchange.closedByRelay.get(maxMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Bounded: a script never outlives its test.
        }
    }

    private void raw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
