package io.streamrelay.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Two event-stream parsers that real clients use, reimplemented line for line to test the wire against them:
 * the WHATWG one (browsers, the project's JS module) and httpx-sse 0.4's {@code SSEDecoder}, which the OpenAI
 * Python SDK's parser follows. They differ in one place: on a blank line httpx-sse dispatches whenever a last
 * event id was ever set, even with no data, so a heartbeat written as comment plus blank line becomes an empty
 * event there.
 */
public final class SseParsers {

    private SseParsers() {
    }

    /** One dispatched event: its type ("message" or empty when unnamed, as the parser says), data and id. */
    public record Event(String type, String data, String id) {
    }

    /** Lines as both parsers split them: CRLF, LF or CR each end one. */
    static List<String> lines(String stream) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < stream.length(); i++) {
            char c = stream.charAt(i);
            if (c == '\r' || c == '\n') {
                lines.add(line.toString());
                line.setLength(0);
                if (c == '\r' && i + 1 < stream.length() && stream.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                line.append(c);
            }
        }
        return lines; // an unterminated last line is never processed, in either parser
    }

    /** https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation */
    public static List<Event> whatwg(String stream) {
        List<Event> events = new ArrayList<>();
        String type = "";
        StringBuilder data = new StringBuilder();
        String lastEventId = "";
        for (String line : lines(stream)) {
            if (line.isEmpty()) {
                if (data.length() == 0) {
                    type = "";
                    continue;
                }
                data.setLength(data.length() - 1);
                events.add(new Event(type.isEmpty() ? "message" : type, data.toString(), lastEventId));
                type = "";
                data.setLength(0);
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "data" -> data.append(value).append('\n');
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                default -> { }
            }
        }
        return events;
    }

    /** httpx_sse/_decoders.py (0.4.0), SSEDecoder.decode, fed line by line as EventSource.iter_sse does. */
    public static List<Event> httpxSse(String stream) {
        List<Event> events = new ArrayList<>();
        String event = "";
        List<String> data = new ArrayList<>();
        String lastEventId = null;
        Integer retry = null;
        for (String line : lines(stream)) {
            if (line.isEmpty()) {
                if (event.isEmpty() && data.isEmpty() && retry == null && lastEventId == null) {
                    continue;
                }
                events.add(new Event(event, String.join("\n", data), lastEventId));
                event = "";
                data = new ArrayList<>();
                retry = null;
                continue; // per the SSE spec, last_event_id is not reset
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> data.add(value);
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                case "retry" -> {
                    try {
                        retry = Integer.parseInt(value);
                    } catch (NumberFormatException ignored) {
                        // httpx-sse ignores a retry that is not a number
                    }
                }
                default -> { }
            }
        }
        return events;
    }
}
