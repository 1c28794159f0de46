package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.ServerSentEvent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The WHATWG event-stream parser, fed network reads as they come.
 * <p>
 * Lines are framed on bytes and decoded whole: CR and LF never occur inside a multi-byte UTF-8 sequence, so a
 * character split across reads is kept in the line buffer until its line is complete, and the one buffer per
 * stream acts as its stateful decoder. Malformed bytes become U+FFFD, as the standard says.
 */
public final class EventStreamParser {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Consumer<ServerSentEvent> listener;
    private final int maxLineBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private boolean atStart = true;
    private int bomMatched;

    private StringBuilder data;
    private String eventType = "";
    private String lastEventId = "";

    public EventStreamParser(Consumer<ServerSentEvent> listener, int maxLineBytes) {
        this.listener = listener;
        this.maxLineBytes = maxLineBytes;
    }

    /** @throws IllegalStateException when a line grows past the bound (a broken or hostile upstream) */
    public void feed(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            if (atStart) {
                byte b = buffer.get();
                if (!skipBom(b)) {
                    lineByte(b);
                }
                continue;
            }
            if (afterCr) {
                afterCr = false;
                if (buffer.get(buffer.position()) == LF) {
                    buffer.get();
                    continue;
                }
            }
            // Copy the run up to the next line end in one go: most reads hold whole lines of plain bytes.
            int from = buffer.position();
            int end = buffer.limit();
            int at = from;
            while (at < end) {
                byte b = buffer.get(at);
                if (b == CR || b == LF) {
                    break;
                }
                at++;
            }
            appendRun(buffer, from, at - from);
            buffer.position(at);
            if (at < end) {
                lineByte(buffer.get());
            }
        }
    }

    private void lineByte(byte b) {
        if (b == CR) {
            afterCr = true;
            endLine();
        } else if (b == LF) {
            endLine();
        } else {
            append(b);
        }
    }

    private void appendRun(ByteBuffer buffer, int from, int length) {
        if (length == 0) {
            return;
        }
        if (lineLength + length > maxLineBytes) {
            throw new IllegalStateException("event-stream line longer than " + maxLineBytes + " bytes");
        }
        if (lineLength + length > line.length) {
            byte[] grown = new byte[Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + length))];
            System.arraycopy(line, 0, grown, 0, lineLength);
            line = grown;
        }
        buffer.get(from, line, lineLength, length);
        lineLength += length;
    }

    private boolean skipBom(byte b) {
        if (b == BOM[bomMatched]) {
            bomMatched++;
            if (bomMatched == BOM.length) {
                atStart = false;
            }
            return true;
        }
        atStart = false;
        for (int i = 0; i < bomMatched; i++) {
            append(BOM[i]);
        }
        return false;
    }

    private void append(byte b) {
        if (lineLength >= maxLineBytes) {
            throw new IllegalStateException("event-stream line longer than " + maxLineBytes + " bytes");
        }
        if (lineLength == line.length) {
            byte[] grown = new byte[Math.min(maxLineBytes, line.length * 2)];
            System.arraycopy(line, 0, grown, 0, lineLength);
            line = grown;
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        atStart = false;
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            return;
        }
        int colon = indexOf(line, length, (byte) ':');
        String field;
        String value;
        if (colon < 0) {
            field = new String(line, 0, length, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, 0, colon, StandardCharsets.UTF_8);
            int from = colon + 1;
            if (from < length && line[from] == ' ') {
                from++;
            }
            value = new String(line, from, length - from, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value.length() + 16);
                } else {
                    data.append('\n');
                }
                data.append(value);
            }
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            // Not a WHATWG field: some servers report a failure as an `error:` line, often with no data line and
            // no blank line before their [DONE]. Ignoring it (as the standard would) turned the failure into an
            // empty answer, so it is dispatched at once as an event named error.
            case "error" -> listener.accept(new ServerSentEvent("error", value, lastEventId));
            default -> {
                // retry and unknown fields mean nothing to a relay reading one stream once.
            }
        }
    }

    private void dispatch() {
        if (data == null) {
            eventType = "";
            return;
        }
        ServerSentEvent event = new ServerSentEvent(eventType.isEmpty() ? "message" : eventType, data.toString(),
                lastEventId);
        data = null;
        eventType = "";
        listener.accept(event);
    }

    private static int indexOf(byte[] bytes, int length, byte wanted) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
