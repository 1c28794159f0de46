package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Reads one upstream response as the HttpClient delivers it, on the client's own threads: an event stream is
 * parsed read by read, anything else is an error body collected up to a bound. It guarantees the upstream
 * contract: events one at a time, exactly one end, nothing after it, nothing after a cancel.
 * <p>
 * The relay asks for {@code Accept-Encoding: identity}. A body compressed all the same is refused as
 * {@link ErrorCode#UPSTREAM_BAD_RESPONSE}, never retried: read as text it would be garbage, and the same server
 * would send it again. Lines longer than {@link #MAX_LINE_BYTES} (4 MiB) end the stream the same way: no chunk
 * of a real answer comes near it, and it bounds what one broken upstream can make the relay hold.
 * <p>
 * After the end ({@code [DONE]} or an error) the rest of the body (the last chunk) is read and dropped, so that
 * the connection goes back to the client's pool: cancelling there closed it, and every generation paid a new
 * connection (and TLS handshake). An upstream that sends more than {@link #MAX_BYTES_AFTER_END} after its end is
 * cut off. Nothing cancels a body from outside once it may have finished: the JDK client returns the connection
 * to its pool before it calls {@code onComplete}, and a late cancel of this exchange's subscription closes that
 * connection under whichever generation took it next (JDK {@code Http1AsyncReceiver}). A body left silent after
 * its end is the server's to close (its idle timeout).
 */
final class StreamSubscriber implements Flow.Subscriber<List<ByteBuffer>> {

    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    static final int MAX_BYTES_AFTER_END = 64 * 1024;

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
    /** A compressed body: nothing of it is read. */
    private boolean encoded;
    private long bytesAfterEnd;

    StreamSubscriber(Redaction redaction, Consumer<UpstreamEvent> events) {
        this.redaction = redaction;
        this.events = events;
        this.chunks = new ChunkReader(redaction, this::relay);
        this.parser = new EventStreamParser(chunks, MAX_LINE_BYTES);
    }

    HttpResponse.BodySubscriber<Void> handle(HttpResponse.ResponseInfo info) {
        String encoding = info.headers().allValues("Content-Encoding").stream()
                .flatMap(v -> List.of(v.split(",")).stream()).map(v -> v.strip().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty() && !v.equals("identity")).findFirst().orElse(null);
        encoded = encoding != null;
        if (encoded && info.statusCode() == 200) {
            end(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_BAD_RESPONSE, "upstream sent its stream in Content-Encoding "
                    + (encoding.length() > 20 ? encoding.substring(0, 20) + "…" : encoding)
                    + " although the relay asked for identity", false, 200, -1));
        }
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
        if (cancelled || ended.get()) {
            subscription.cancel();
            return;
        }
        // The relay's own per-client buffer is the bound; holding the upstream back would only stall the socket.
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (cancelled) {
            return;
        }
        if (ended.get()) {
            dropAfterEnd(buffers);
            return;
        }
        if (errorBody != null) {
            if (!encoded) {
                collectErrorBody(buffers);
            }
            return;
        }
        try {
            for (ByteBuffer buffer : buffers) {
                parser.feed(buffer);
                if (chunks.ended()) {
                    // [DONE] or an error: what follows is not ours to parse; read on to the body's end.
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
            chunks.closed(false);
        }
    }

    /** The request failed before a response (refused, reset, timed out) or the body broke off. */
    void connectionLost() {
        if (subscription == null && errorBody == null) {
            end(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_UNAVAILABLE, "could not reach the upstream", true, 0, -1));
        } else if (errorBody != null) {
            end(UpstreamStatus.failure(errorStatus, null, retryAfterMs));
        } else {
            chunks.closed(true);
        }
    }

    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** True once the one end (an End or a Failure) went out. */
    boolean ended() {
        return ended.get();
    }

    /** In onNext only: the body is still this exchange's, so the cancel closes this connection and no other. */
    private void dropAfterEnd(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            bytesAfterEnd += buffer.remaining();
        }
        if (bytesAfterEnd > MAX_BYTES_AFTER_END) {
            subscription.cancel();
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
        if (encoded) {
            return null;
        }
        try {
            InBandError error = ChunkJson.errorBody(errorBody.toString(StandardCharsets.UTF_8));
            if (error != null) {
                errorCode = error.code();
                if (retryAfterMs < 0) {
                    retryAfterMs = error.retryAfterMs();
                }
                return redaction.apply(error.message());
            }
        } catch (IOException | RuntimeException notJson) {
            // A proxy's HTML error page says nothing a client can use.
        }
        return null;
    }
}
