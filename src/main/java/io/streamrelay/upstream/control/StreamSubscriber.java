package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Reads one upstream response as the HttpClient delivers it, on the client's own threads: an event stream is
 * parsed read by read, anything else is an error body collected up to a bound. It guarantees the upstream
 * contract: events one at a time, exactly one end, nothing after it, nothing after a cancel.
 */
final class StreamSubscriber implements Flow.Subscriber<List<ByteBuffer>> {

    private static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    private final JsonReaderFactory json;
    private final Redaction redaction;
    private final Consumer<UpstreamEvent> events;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final EventStreamParser parser;
    private final ChunkReader chunks;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    private int errorStatus;
    private long retryAfterMs = -1;
    /** The error object's {@code code}, when the body had one (OpenAI: rate_limit_exceeded, insufficient_quota). */
    private String errorCode;
    private ByteArrayOutputStream errorBody;

    StreamSubscriber(JsonReaderFactory json, Redaction redaction, Consumer<UpstreamEvent> events) {
        this.json = json;
        this.redaction = redaction;
        this.events = events;
        this.chunks = new ChunkReader(redaction, this::relay);
        this.parser = new EventStreamParser(chunks, MAX_LINE_BYTES);
    }

    HttpResponse.BodySubscriber<Void> handle(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            errorStatus = info.statusCode();
            errorBody = new ByteArrayOutputStream();
            retryAfterMs = UpstreamStatus.retryAfterMs(info.headers().firstValue("Retry-After").orElse(null),
                    System.currentTimeMillis());
        }
        return HttpResponse.BodySubscribers.fromSubscriber(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (cancelled) {
            subscription.cancel();
            return;
        }
        // The relay's own per-client buffer is the bound; holding the upstream back would only stall the socket.
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (cancelled || ended.get()) {
            return;
        }
        if (errorBody != null) {
            collectErrorBody(buffers);
            return;
        }
        try {
            for (ByteBuffer buffer : buffers) {
                parser.feed(buffer);
                if (chunks.ended()) {
                    // [DONE] or an error: what follows is not ours to read, and the connection can go.
                    subscription.cancel();
                    return;
                }
            }
        } catch (RuntimeException unreadable) {
            // An over-long line or anything else the parser cannot take: the stream cannot be trusted further.
            end(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_BAD_RESPONSE, "upstream sent an unreadable stream", false));
            subscription.cancel();
        }
    }

    @Override
    public void onError(Throwable failure) {
        connectionLost();
    }

    @Override
    public void onComplete() {
        if (errorBody != null) {
            String message = errorMessage();
            end(UpstreamStatus.failure(errorStatus, message, retryAfterMs, errorCode));
        } else {
            end(new UpstreamEvent.End(false));
        }
    }

    /** The request failed before a response (refused, reset, timed out) or the body broke off. */
    void connectionLost() {
        if (subscription == null && errorBody == null) {
            end(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_UNAVAILABLE, "could not reach the upstream", true, 0, -1));
        } else if (errorBody != null) {
            end(UpstreamStatus.failure(errorStatus, null, retryAfterMs));
        } else {
            end(new UpstreamEvent.End(false));
        }
    }

    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private void relay(UpstreamEvent event) {
        if (event instanceof UpstreamEvent.End || event instanceof UpstreamEvent.Failure) {
            end(event);
        } else if (!cancelled && !ended.get()) {
            events.accept(event);
        }
    }

    private void end(UpstreamEvent event) {
        if (!cancelled && ended.compareAndSet(false, true)) {
            events.accept(event);
        }
    }

    private void collectErrorBody(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int room = MAX_ERROR_BODY_BYTES - errorBody.size();
            int take = Math.min(room, buffer.remaining());
            byte[] bytes = new byte[take];
            buffer.get(bytes);
            errorBody.write(bytes, 0, take);
        }
    }

    private String errorMessage() {
        String body = errorBody.toString(StandardCharsets.UTF_8);
        try (JsonReader reader = json.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                JsonValue error = object.get("error");
                if (error instanceof JsonObject e && e.get("code") instanceof JsonString code) {
                    errorCode = code.getString();
                }
                if (error instanceof JsonObject e && e.get("message") instanceof JsonString m) {
                    return redaction.apply(m.getString());
                }
                if (error instanceof JsonString s) {
                    return redaction.apply(s.getString());
                }
                if (object.get("message") instanceof JsonString m) {
                    return redaction.apply(m.getString());
                }
            }
        } catch (RuntimeException notJson) {
            // A proxy's HTML error page says nothing a client can use.
        }
        return null;
    }
}
