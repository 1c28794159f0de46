package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.ServerSentEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Errors inside a 200 stream are classified like the HTTP statuses they stand for, whichever of the five carriers
 * brings them: a data {@code error} object, vLLM's {@code object:"error"}, {@code event: error}, a non-standard
 * {@code error:} field line, OpenRouter's {@code finish_reason:"error"}.
 */
class InBandErrorTest {

    /** How each carrier spells an error whose type/code member is {@code fields} (a JSON fragment). */
    private static final List<Function<String, ServerSentEvent>> CARRIERS = List.of(
            fields -> new ServerSentEvent("message", "{\"error\":{\"message\":\"m\"," + fields + "}}", ""),
            fields -> new ServerSentEvent("message", "{\"object\":\"error\",\"message\":\"m\"," + fields + "}", ""),
            fields -> new ServerSentEvent("error", "{\"message\":\"m\"," + fields + "}", ""),
            fields -> new ServerSentEvent("error", "{\"error\":{\"message\":\"m\"," + fields + "}}", ""),
            fields -> new ServerSentEvent("message", "{\"object\":\"chat.completion.chunk\",\"error\":{\"message\":"
                    + "\"m\"," + fields + "},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                    + "\"finish_reason\":\"error\"}]}", ""));

    static Stream<Arguments> spellings() {
        return Stream.of(
                Arguments.of("\"type\":\"server_error\",\"code\":null", ErrorCode.UPSTREAM_SERVER_ERROR),
                Arguments.of("\"type\":\"server_error\",\"code\":\"internal_error\"", ErrorCode.UPSTREAM_SERVER_ERROR),
                Arguments.of("\"code\":\"internal_error\"", ErrorCode.UPSTREAM_SERVER_ERROR),
                Arguments.of("\"type\":\"InternalServerError\",\"code\":500", ErrorCode.UPSTREAM_SERVER_ERROR),
                Arguments.of("\"code\":502", ErrorCode.UPSTREAM_SERVER_ERROR),
                Arguments.of("\"code\":\"500\"", ErrorCode.UPSTREAM_SERVER_ERROR),
                Arguments.of("\"type\":\"api_error\"", ErrorCode.UPSTREAM_SERVER_ERROR),
                Arguments.of("\"type\":\"overloaded_error\"", ErrorCode.UPSTREAM_OVERLOADED),
                Arguments.of("\"code\":\"overloaded\"", ErrorCode.UPSTREAM_OVERLOADED),
                Arguments.of("\"code\":503", ErrorCode.UPSTREAM_OVERLOADED),
                Arguments.of("\"type\":\"service_unavailable_error\",\"code\":\"service_unavailable\"",
                        ErrorCode.UPSTREAM_OVERLOADED),
                Arguments.of("\"code\":\"timeout\"", ErrorCode.UPSTREAM_TIMEOUT),
                Arguments.of("\"code\":504", ErrorCode.UPSTREAM_TIMEOUT),
                Arguments.of("\"type\":\"timeout_error\"", ErrorCode.UPSTREAM_TIMEOUT),
                Arguments.of("\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"", ErrorCode.UPSTREAM_RATE_LIMITED),
                Arguments.of("\"type\":\"rate_limit_error\"", ErrorCode.UPSTREAM_RATE_LIMITED),
                Arguments.of("\"code\":\"rate_limit\"", ErrorCode.UPSTREAM_RATE_LIMITED),
                Arguments.of("\"code\":429", ErrorCode.UPSTREAM_RATE_LIMITED),
                Arguments.of("\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"",
                        ErrorCode.UPSTREAM_QUOTA_EXCEEDED),
                Arguments.of("\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"",
                        ErrorCode.UPSTREAM_ERROR),
                Arguments.of("\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"",
                        ErrorCode.UPSTREAM_ERROR),
                Arguments.of("\"type\":\"BadRequestError\",\"code\":400", ErrorCode.UPSTREAM_ERROR),
                Arguments.of("\"code\":401", ErrorCode.UPSTREAM_ERROR),
                Arguments.of("\"code\":\"something_new\"", ErrorCode.UPSTREAM_ERROR),
                Arguments.of("\"type\":null", ErrorCode.UPSTREAM_ERROR));
    }

    @ParameterizedTest
    @MethodSource("spellings")
    void everyCarrierClassifiesTheSameWay(String fields, ErrorCode expected) {
        for (int carrier = 0; carrier < CARRIERS.size(); carrier++) {
            List<UpstreamEvent> events = new ArrayList<>();
            ChunkReader reader = new ChunkReader(new Redaction(), events::add);
            reader.accept(CARRIERS.get(carrier).apply(fields));
            String where = "carrier " + carrier + " with " + fields;
            assertEquals(1, events.size(), where + ": " + events);
            UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, events.get(0), where);
            assertEquals(expected, failure.code(), where);
            assertEquals(expected.retryable(), failure.retryable(), where);
            assertEquals("m", failure.message(), where);
            assertTrue(reader.ended(), where);
        }
    }

    @org.junit.jupiter.api.Test
    void aRetryDelayTheErrorStatesIsItsRetryAfter() {
        List<UpstreamEvent> events = new ArrayList<>();
        new ChunkReader(new Redaction(), events::add).accept(new ServerSentEvent("message", "{\"error\":{\"code\":429,"
                + "\"message\":\"Resource has been exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"7s\"}]}}", ""));
        assertEquals(List.of(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_RATE_LIMITED,
                "Resource has been exhausted (e.g. check quota).", true, -1, 7000)), events);
    }
}
