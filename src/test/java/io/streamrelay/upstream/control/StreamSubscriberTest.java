package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * How a 200 stream may end: only a {@code finish_reason} makes the answer whole. {@code [DONE]}, a close or a
 * broken connection without one is {@code upstream_truncated}, and an error in any spelling is a failure.
 */
class StreamSubscriberTest {

    private static final String ROLE = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"\"},\"finish_reason\":null}]}\n\n";
    private static final String TOKEN = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
            + "\"finish_reason\":null}]}\n\n";
    private static final String FINISH = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"
            + "\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private final List<UpstreamEvent> events = new ArrayList<>();
    private int cancels;

    private StreamSubscriber open(int status, Map<String, List<String>> headers) {
        StreamSubscriber subscriber = new StreamSubscriber(new Redaction(), events::add);
        subscriber.handle(new Info(status, HttpHeaders.of(headers, (n, v) -> true)));
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                cancels++;
            }
        });
        return subscriber;
    }

    private StreamSubscriber stream(String body) {
        StreamSubscriber subscriber = open(200, Map.of("Content-Type", List.of("text/event-stream")));
        subscriber.onNext(List.of(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))));
        return subscriber;
    }

    private UpstreamEvent last() {
        return events.get(events.size() - 1);
    }

    private void assertTruncated() {
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, last(), events.toString());
        assertEquals(ErrorCode.UPSTREAM_TRUNCATED, failure.code());
        assertEquals(true, failure.retryable());
        assertEquals(1, events.stream().filter(e -> e instanceof UpstreamEvent.Failure
                || e instanceof UpstreamEvent.End).count(), "one end: " + events);
    }

    @Test
    void doneWithNothingBeforeItIsTruncated() {
        stream(DONE);
        assertTruncated();
    }

    @Test
    void doneAfterTokensWithoutAFinishReasonIsTruncated() {
        stream(ROLE + TOKEN + TOKEN + DONE);
        assertTruncated();
        assertEquals(new UpstreamEvent.Text("Hi"), events.get(1));
    }

    @Test
    void aCloseWithoutAFinishReasonIsTruncated() {
        stream(ROLE + TOKEN).onComplete();
        assertTruncated();
    }

    @Test
    void keepAlivesThenACloseIsTruncated() {
        stream(": keep-alive\n\n: keep-alive\n\n").onComplete();
        assertTruncated();
    }

    @Test
    void aBrokenConnectionWithoutAFinishReasonIsTruncated() {
        stream(ROLE + TOKEN).onError(new java.io.IOException("reset"));
        assertTruncated();
    }

    @Test
    void aFinishReasonThenDoneIsAWholeAnswer() {
        stream(ROLE + TOKEN + FINISH + DONE);
        assertEquals(new UpstreamEvent.End(true), last());
    }

    @Test
    void afterDoneTheBodyIsReadToItsEndSoThatTheConnectionIsKeptAlive() {
        StreamSubscriber subscriber = stream(ROLE + TOKEN + FINISH + DONE);
        subscriber.onNext(List.of(ByteBuffer.wrap(": trailing comment\n\n".getBytes(StandardCharsets.UTF_8))));
        subscriber.onComplete();
        assertEquals(0, cancels, "not cancelled: a cancel closes the connection instead of pooling it");
        assertEquals(new UpstreamEvent.End(true), last());
        assertEquals(1, events.stream().filter(e -> e instanceof UpstreamEvent.End).count(), events.toString());
    }

    @Test
    void moreThanTheBoundAfterTheEndClosesTheConnection() {
        StreamSubscriber subscriber = stream(ROLE + TOKEN + FINISH + DONE);
        subscriber.onNext(List.of(ByteBuffer.wrap(new byte[StreamSubscriber.MAX_BYTES_AFTER_END])));
        assertEquals(0, cancels, "up to the bound is read");
        subscriber.onNext(List.of(ByteBuffer.wrap(new byte[1])));
        assertEquals(1, cancels, "past it the connection is closed");
        assertEquals(new UpstreamEvent.End(true), last());
    }

    @Test
    void anErrorThenDoneIsReadToTheBodyEndToo() {
        StreamSubscriber subscriber = stream("error: {\"message\":\"x\"}\n\n" + DONE);
        subscriber.onComplete();
        assertEquals(0, cancels);
        assertEquals(1, events.size(), events.toString());
    }

    @Test
    void aFinishReasonThenACloseIsAWholeAnswer() {
        stream(ROLE + TOKEN + FINISH).onComplete();
        assertEquals(new UpstreamEvent.End(false), last());
    }

    @Test
    void anErrorFieldLineThenDoneIsAnError() {
        stream("error: {\"message\":\"x\"}\n\n" + DONE);
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, last(), events.toString());
        assertEquals(ErrorCode.UPSTREAM_ERROR, failure.code());
        assertEquals("x", failure.message());
        assertEquals(1, events.size(), events.toString());
    }

    @Test
    void anErrorFieldLineWithATypeIsClassified() {
        stream(ROLE + TOKEN + "error: {\"message\":\"busy\",\"type\":\"overloaded_error\"}\n" + DONE);
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, last(), events.toString());
        assertEquals(ErrorCode.UPSTREAM_OVERLOADED, failure.code());
        assertEquals(true, failure.retryable());
    }

    @Test
    void anErrorEventWithPlainTextIsAnErrorWithThatText() {
        stream("event: error\ndata: Internal Server Error\n\n");
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, last(), events.toString());
        assertEquals(ErrorCode.UPSTREAM_ERROR, failure.code());
        assertEquals("Internal Server Error", failure.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "x-gzip", "br", "deflate", "zstd", "compress", "gzip, identity"})
    void aCompressedStreamIsRefusedAndNeverRetried(String encoding) {
        StreamSubscriber subscriber = open(200, Map.of("Content-Type", List.of("text/event-stream"),
                "Content-Encoding", List.of(encoding)));
        subscriber.onNext(List.of(ByteBuffer.wrap(new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3})));
        subscriber.onComplete();
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, events.get(0), events.toString());
        assertEquals(ErrorCode.UPSTREAM_BAD_RESPONSE, failure.code());
        assertFalse(failure.retryable());
        assertEquals(1, events.size(), events.toString());
    }

    @Test
    void identityEncodingIsRead() {
        StreamSubscriber subscriber = open(200, Map.of("Content-Encoding", List.of("identity")));
        subscriber.onNext(List.of(ByteBuffer.wrap((ROLE + FINISH + DONE).getBytes(StandardCharsets.UTF_8))));
        assertEquals(new UpstreamEvent.End(true), last());
    }

    @Test
    void aCompressedErrorBodyKeepsItsStatusCode() {
        StreamSubscriber subscriber = open(503, Map.of("Content-Encoding", List.of("gzip"), "Retry-After",
                List.of("7")));
        subscriber.onNext(List.of(ByteBuffer.wrap(new byte[]{0x1f, (byte) 0x8b, 8, 0})));
        subscriber.onComplete();
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, last());
        assertEquals(ErrorCode.UPSTREAM_OVERLOADED, failure.code());
        assertEquals(7000, failure.retryAfterMs());
    }

    private record Info(int statusCode, HttpHeaders headers) implements HttpResponse.ResponseInfo {
        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
