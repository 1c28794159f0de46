package io.streamrelay.operations.control;

import java.util.List;
import java.util.Map;

/**
 * Every metric name, tag name and bucket list the relay reports, in one place: the OpenTelemetry GenAI semantic
 * conventions (v1.41.0; they are moving to open-telemetry/semantic-conventions-genai and some client names to
 * {@code gen_ai.client.inference.*}), so that a rename is one edit here. MicroProfile Metrics tag names cannot
 * hold dots, so the conventions' attributes appear with underscores (as Prometheus shows them anyway).
 */
public final class GenAi {

    private GenAi() {
    }

    // The conventions' metrics.
    public static final String SERVER_TTFT = "gen_ai.server.time_to_first_token";
    public static final String SERVER_TPOT = "gen_ai.server.time_per_output_token";
    public static final String SERVER_DURATION = "gen_ai.server.request.duration";
    public static final String CLIENT_DURATION = "gen_ai.client.operation.duration";
    public static final String CLIENT_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
    public static final String CLIENT_TOKENS = "gen_ai.client.token.usage";

    // The relay's own.
    public static final String STREAMS_OPEN = "streamrelay.streams.open";
    public static final String GENERATIONS_RUNNING = "streamrelay.generations.running";
    public static final String GENERATIONS = "streamrelay.generations";
    public static final String OUTPUT_PIECES = "streamrelay.output.pieces";
    public static final String DISCONNECTS = "streamrelay.client.disconnects";
    public static final String RESUMES = "streamrelay.resumes";
    public static final String CANCELS = "streamrelay.cancels";
    public static final String RETRIES = "streamrelay.upstream.retries";
    public static final String FALLBACKS = "streamrelay.upstream.fallbacks";
    public static final String HEARTBEATS = "streamrelay.heartbeats";
    public static final String SLOW_CUTS = "streamrelay.followers.cut.slow";
    public static final String REFUSALS = "streamrelay.refusals";
    public static final String REPLAY_BYTES = "streamrelay.replay_log.bytes";

    // Tags (metrics) and attributes (traces).
    public static final String OPERATION = "gen_ai.operation.name";
    public static final String PROVIDER = "gen_ai.provider.name";
    public static final String REQUEST_MODEL = "gen_ai.request.model";
    public static final String RESPONSE_MODEL = "gen_ai.response.model";
    public static final String TOKEN_TYPE = "gen_ai.token.type";
    public static final String ERROR_TYPE = "error.type";
    public static final String FINISH_REASONS = "gen_ai.response.finish_reasons";
    public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    public static final String CHAT = "chat";

    /** A MicroProfile Metrics tag name for an attribute: dots are not allowed there. */
    public static String tag(String attribute) {
        return attribute.replace('.', '_');
    }

    /** The conventions' bucket boundaries, in seconds (timers) or tokens (the usage histogram). */
    public static final Map<String, List<Double>> BUCKETS = Map.of(
            SERVER_TTFT, List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0,
                    7.5, 10.0),
            SERVER_TPOT, List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5),
            SERVER_DURATION, doubling(0.01, 14),
            CLIENT_DURATION, doubling(0.01, 14),
            CLIENT_FIRST_CHUNK, List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
                    5.0, 7.5, 10.0),
            CLIENT_TOKENS, quadrupling(1, 14));

    /** 0.01, 0.02, ... 81.92 seconds: the conventions' duration buckets. */
    private static List<Double> doubling(double first, int count) {
        Double[] values = new Double[count];
        for (int i = 0; i < count; i++) {
            values[i] = first * (1L << i);
        }
        return List.of(values);
    }

    /** 1, 4, 16, ... 67,108,864 tokens. */
    private static List<Double> quadrupling(double first, int count) {
        Double[] values = new Double[count];
        for (int i = 0; i < count; i++) {
            values[i] = first * (1L << (2 * i));
        }
        return List.of(values);
    }
}
