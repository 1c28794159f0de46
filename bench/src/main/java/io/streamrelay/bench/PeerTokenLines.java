package io.streamrelay.bench;

import java.nio.charset.StandardCharsets;

/**
 * The Spring peer's wire: {@code data:} lines (or bare NDJSON lines) of {"token":"…"}, then [DONE] on SSE; its
 * NDJSON has no done line, so there the body's end after every token is the done.
 */
record PeerTokenLines(boolean sse) implements LineFormat {

    private static final byte[] TOKEN_FIELD = "\"token\":\"".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void read(ResponseLine line, int length, TokenCheck check, long now) {
        int from = 0;
        if (sse) {
            if (!line.startsWith("data:")) {
                if (line.startsWith("event:error")) {
                    check.fail("error event");
                }
                return;
            }
            // Spring writes "data:" with no space; a space is allowed by SSE, so both are read.
            from = line.at(5) == ' ' ? 6 : 5;
            if (length - from == 6 && line.at(from) == '[' && line.at(from + 1) == 'D') {
                check.done("[DONE]");
                return;
            }
        }
        int token = line.indexOf(TOKEN_FIELD, from, length);
        if (token < 0) {
            check.fail("error " + line.text(length));
            return;
        }
        check.token(line, token + TOKEN_FIELD.length, length, now);
    }

    @Override
    public void bodyEnded(TokenCheck check) {
        if (!sse) {
            check.done("body ended");
        }
    }
}
