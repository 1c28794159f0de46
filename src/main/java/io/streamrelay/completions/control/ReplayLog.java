package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.TreeMap;

/**
 * A generation's events in order, for followers that join late or reconnect, bounded by a number of events and an
 * estimate of their heap bytes ({@code relay.generations.max-events}, {@code relay.generations.max-bytes}). Not
 * thread-safe: the generation guards it with its lock; only {@link #bytes()} may be read without (a gauge).
 */
final class ReplayLog {

    /** What the terminal event may cost at most: it always fits, whatever the answer did to the bounds. */
    private static final long TERMINAL_RESERVE = 256;

    private final int maxEvents;
    private final long maxBytes;
    private final List<StreamEvent> events = new ArrayList<>();
    private volatile long bytes;
    private Consumer<StreamEvent> mirror = event -> { };

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ReplayLog.class.getName());
    private boolean mirrorFailed;

    ReplayLog(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** True when {@code piece} fits and still leaves one slot and some bytes for the terminal event. */
    boolean fits(StreamEvent piece) {
        return events.size() + 2 <= maxEvents && bytes + bytes(piece) + TERMINAL_RESERVE <= maxBytes;
    }

    void append(StreamEvent event) {
        events.add(event);
        bytes += bytes(event);
        try {
            mirror.accept(event);
        } catch (RuntimeException mirrorDown) {
            // The generation's own end (status, slot, terminal event, GenerationEnded) must not depend on the
            // mirror, e.g. a cluster queue stopped during shutdown.
            if (!mirrorFailed) {
                mirrorFailed = true;
                LOG.warning(() -> "events no longer mirrored: " + mirrorDown);
            }
        }
    }

    /** Where every appended event also goes, in order, from under the generation's lock (a cluster's shared log). */
    void mirrorTo(Consumer<StreamEvent> shared) {
        mirror = shared;
    }

    /** The seq of the latest event, -1 before the start event. */
    long lastSeq() {
        return events.isEmpty() ? -1 : events.get(events.size() - 1).seq();
    }

    /**
     * Whether a client's cursor has anything to follow: false when the generation ended and {@code after} is at or
     * past its terminal event.
     *
     * @throws ProblemException {@code beyondEnd} (400) when {@code after} is past the latest event of a running
     *         generation: a cursor it never handed out
     */
    boolean followable(long after, boolean running, ErrorCode beyondEnd) {
        long last = lastSeq();
        if (after >= last && !running) {
            return false;
        }
        if (after > last) {
            throw new ProblemException(beyondEnd, "the cursor " + after + " is past the latest event " + last);
        }
        return true;
    }

    /** The generation as the status endpoint shows it, the answer so far assembled from the log. */
    GenerationView view(String id, String status, String model, Usage usage) {
        return new GenerationView(id, status, model, text(), usage, toolCalls(), refusal());
    }

    /** Every event with a seq greater than {@code seq}, in order. */
    List<StreamEvent> after(long seq) {
        // Seqs are consecutive from 0, so the position is the seq: no search.
        int from = (int) Math.max(0, Math.min(events.size(), seq + 1));
        return List.copyOf(events.subList(from, events.size()));
    }

    /** The answer so far: the token texts joined. */
    String text() {
        StringBuilder text = new StringBuilder();
        for (StreamEvent event : events) {
            if (event instanceof StreamEvent.Token token) {
                text.append(token.text());
            }
        }
        return text.toString();
    }

    /** The tool calls so far, assembled from their fragments by index, in index order. */
    List<GenerationView.ToolCall> toolCalls() {
        Map<Integer, GenerationView.ToolCall> calls = new TreeMap<>();
        for (StreamEvent event : events) {
            if (event instanceof StreamEvent.ToolCall f) {
                String arguments = f.arguments() == null ? "" : f.arguments();
                calls.merge(f.index(), new GenerationView.ToolCall(f.index(), f.id(), f.name(), arguments),
                        (was, next) -> new GenerationView.ToolCall(was.index(), was.id() != null ? was.id() : f.id(),
                                was.name() != null ? was.name() : f.name(), was.arguments() + arguments));
            }
        }
        return List.copyOf(calls.values());
    }

    /** The refusal pieces joined; null when the model refused nothing. */
    String refusal() {
        StringBuilder text = null;
        for (StreamEvent event : events) {
            if (event instanceof StreamEvent.Refusal refusal) {
                text = (text == null ? new StringBuilder() : text).append(refusal.text());
            }
        }
        return text == null ? null : text.toString();
    }

    int size() {
        return events.size();
    }

    long bytes() {
        return bytes;
    }

    /** What an event costs in the log: its text length in UTF-16 chars plus object overhead, a fair proxy for heap. */
    static long bytes(StreamEvent event) {
        int text = event instanceof StreamEvent.Token t ? t.text().length()
                : event instanceof StreamEvent.Reasoning r ? r.text().length()
                : event instanceof StreamEvent.Refusal r ? r.text().length()
                : event instanceof StreamEvent.Logprobs l ? l.json().length()
                : event instanceof StreamEvent.ToolCall c ? length(c.id()) + length(c.name()) + length(c.arguments())
                : 32;
        return 64 + 2L * text;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
