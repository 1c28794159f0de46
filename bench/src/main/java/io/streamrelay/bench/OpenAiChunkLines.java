package io.streamrelay.bench;

import java.nio.charset.StandardCharsets;

/**
 * The OpenAI stream format, {@code data: {"choices":[{"delta":{"content":"…"}}]}} then {@code data: [DONE]}: the
 * relay's /v1 and, for the direct rows, the simulator itself.
 */
record OpenAiChunkLines(boolean v1) implements LineFormat {

    private static final byte[] CONTENT_FIELD = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void read(ResponseLine line, int length, TokenCheck check, long now) {
        int from = line.startsWith("data: ") ? 6 : 0;
        if (line.startsWith("data: [DONE]")) {
            // The direct rows measure the client's own ceiling: the simulator's [DONE] is not the relay's to count.
            if (v1) {
                check.done("[DONE]");
            } else {
                check.uncountedDone();
            }
            return;
        }
        if (line.startsWith("data: {\"error\"")) {
            check.fail("error " + line.text(length));
            return;
        }
        int text = line.indexOf(CONTENT_FIELD, from, length);
        // The role chunk and the finish chunk carry an empty content: no token.
        if (text >= 0 && line.at(text + CONTENT_FIELD.length) != '"') {
            check.token(line, text + CONTENT_FIELD.length, length, now);
        }
    }
}
