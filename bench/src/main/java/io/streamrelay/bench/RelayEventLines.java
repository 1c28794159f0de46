package io.streamrelay.bench;

import java.nio.charset.StandardCharsets;

/**
 * StreamRelay's own events, {@code {"type":"token","text":"…"}} and the like: SSE {@code data: } lines or NDJSON
 * lines. The type's first letter is enough: the simulator's answers bring only start, token, ping, done and error
 * events, which differ there (a tool_call would read as a token).
 */
record RelayEventLines(boolean sse) implements LineFormat {

    private static final byte[] TEXT_FIELD = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE_FIELD = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void read(ResponseLine line, int length, TokenCheck check, long now) {
        int from = 0;
        if (line.startsWith("data: ")) {
            from = 6;
        } else if (sse) {
            return; // event: and id: lines; the data line says it all
        }
        int type = line.indexOf(TYPE_FIELD, from, length);
        if (type < 0) {
            check.fail("line without type");
            return;
        }
        int t = type + TYPE_FIELD.length;
        switch (line.at(t)) {
            case 't' -> check.token(line, line.indexOf(TEXT_FIELD, t, length) + TEXT_FIELD.length, length, now);
            case 'p' -> check.ping(now);
            case 'd' -> check.done("done");
            case 'e' -> {
                String json = line.text(length);
                int code = json.indexOf("\"code\":\"");
                check.fail("error " + (code < 0 ? "?" : json.substring(code + 8, json.indexOf('"', code + 8))));
            }
            default -> {
                // start
            }
        }
    }
}
