package io.streamrelay.bench;

import java.nio.charset.StandardCharsets;

/**
 * What one stream must show: each token once, in order, with exactly the text the simulator wrote, then one done.
 * It also takes the stream's times (TTFT, latency, token and ping gaps) into the run's result, because they are
 * read at the very places where the tokens are checked.
 */
final class TokenCheck {

    private final LoadClient.Plan plan;
    private final LoadClient.Result result;
    private long expectedSeq = 1;
    private long sentNanos;
    private long lastEventNanos;
    private long lastTokenNanos;
    private boolean done;
    private boolean failed;

    TokenCheck(LoadClient.Plan plan, LoadClient.Result result) {
        this.plan = plan;
        this.result = result;
    }

    void sent(long nanos) {
        sentNanos = nanos;
        lastEventNanos = nanos;
    }

    /** Failed or done: nothing more of the stream needs reading. */
    boolean over() {
        return failed || done;
    }

    void ping(long now) {
        // Before the first token the gap would include the stream's start-up, not the heartbeat's timing.
        if (expectedSeq > 1) {
            result.pingGap.add(now - lastEventNanos);
        }
        lastEventNanos = now;
    }

    /** The token whose text starts at {@code textFrom} (after the opening quote) in the first {@code length} bytes. */
    void token(ResponseLine line, int textFrom, int length, long now) {
        int textTo = textFrom;
        while (textTo < length && line.at(textTo) != '"') {
            if (line.at(textTo) == '\\' && plan.stamped()) {
                fail("escaped text");
                return;
            }
            textTo++;
        }
        if (expectedSeq == 1) {
            result.ttft.add(now - sentNanos);
        } else {
            result.tokenGap.add(now - lastTokenNanos);
        }
        if (plan.stamped()) {
            // " <seq>:<nanos>é": rebuild the exact text and compare byte for byte.
            int colon = textFrom + 1;
            while (colon < textTo && line.at(colon) != ':') {
                colon++;
            }
            long seq = line.parse(textFrom + 1, colon);
            long stamp = line.parse(colon + 1, textTo - 2);
            byte[] expected = UpstreamSimulator.tokenText(expectedSeq, stamp).getBytes(StandardCharsets.UTF_8);
            if (seq != expectedSeq || !line.equals(textFrom, textTo, expected)) {
                fail("token out of order or altered");
                return;
            }
            result.latency.add(now - stamp);
        }
        expectedSeq++;
        result.tokens++;
        lastTokenNanos = now;
        lastEventNanos = now;
        result.firstTokenNanos = Math.min(result.firstTokenNanos, now);
        result.lastTokenNanos = Math.max(result.lastTokenNanos, now);
    }

    /** The stream's end marker, {@code what} naming it in the failure when tokens are missing. */
    void done(String what) {
        if (plan.stamped() && expectedSeq != plan.tokens() + 1) {
            fail(what + " after " + (expectedSeq - 1) + " tokens");
        }
        done = true;
    }

    /** An end marker whose token count nobody vouches for (the simulator's own, in the direct rows). */
    void uncountedDone() {
        done = true;
    }

    /** Only a stream's first failure counts, so that one broken stream is one failure in the table. */
    void fail(String reason) {
        if (!failed) {
            failed = true;
            result.fail(reason);
        }
    }

    /** The stream closed: it counts as completed only with its done and no failure. */
    void closed(String failure) {
        if (!failed && done) {
            result.completed++;
        } else {
            fail(failure == null ? "closed before done" : failure);
        }
    }
}
