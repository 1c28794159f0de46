package io.streamrelay.completions.entity;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

import java.util.List;

/**
 * What the relay tells observers (CDI events) about its streams: a few per generation and per client connection,
 * never per token, so that whoever records them (metrics, traces) costs nothing on the token path. Times are
 * {@link System#nanoTime()} readings; 0 means "never happened". A {@code transport} is the client sink's
 * {@link TokenSink#transport()}: the endpoint family it came through; a generation's is its first client's (null
 * when no client ever followed it).
 */
public sealed interface RelayEvent {

    /**
     * A generation's single exit. {@code error} is null when it ended with {@code done}; {@code usage} is what the
     * done event reported (estimated when the upstream gave none), null for an error. {@code attempts} are the
     * upstream's attempt events in order (empty for the offline model, which makes exactly one);
     * {@code departures} when a client left before the end (went away or was cut for being slow).
     * {@code reported} is what the upstream reported (null when it did not, whatever the ending: an error's
     * usage up to that point is then estimated from {@code outputPieces}); {@code endpoint} is {@code chat} for a
     * generation created with its first client ({@code /api/chat}, {@code /ndjson/chat}, {@code /v1}), or
     * {@code generations} for {@code POST /api/generations}.
     */
    record GenerationEnded(String id, String caller, boolean keyed, String transport, String requestModel,
                           String responseModel, long startedNanos, long firstTokenNanos, long endedNanos,
                           int outputPieces, Usage usage, ErrorCode error, String finishReason,
                           List<UpstreamEvent.Attempt> attempts, List<Long> departures,
                           long logBytes, Usage reported, String endpoint) implements RelayEvent {
    }

    /** A client started following a generation; {@code resumed} when it named where it had stopped. */
    record StreamOpened(String transport, boolean resumed) implements RelayEvent {
    }

    /** A client's stream ended: how, and how many heartbeat pings it was sent. */
    record StreamClosed(String transport, Closing how, int heartbeats) implements RelayEvent {
    }

    /** How a client's stream ended. */
    enum Closing {
        /** The terminal event was written. */
        COMPLETED,
        /** The client went away (a write failed, or the container saw it leave). */
        CLIENT_GONE,
        /** The client fell more than {@code relay.stream.buffer-events} behind and was cut (it can resume). */
        TOO_SLOW
    }
}
