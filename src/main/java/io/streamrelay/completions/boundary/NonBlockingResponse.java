package io.streamrelay.completions.boundary;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An async servlet response written in non-blocking mode, the way every servlet transport writes (NDJSON, the
 * {@code /v1} front door): a write goes out only when {@code isReady()} allows it, one that could not be flushed
 * at once is flushed on the next chance, and the container's callbacks become the sink's writable and gone hooks.
 */
public abstract class NonBlockingResponse implements WriteListener, AsyncListener {

    protected final AsyncContext async;
    protected final HttpServletResponse response;
    /**
     * Held for every use of the request, response and async context, and by the container's callbacks that end them.
     * Tomcat (TomEE) ends the async cycle on its own thread once a write failed or the client left, and then recycles
     * the request's processor for another connection. An {@code AsyncContext.complete()} from a relay thread in that
     * window let two later connections share one processor: a new stream ended after its start event, or its tokens
     * went to the departed client's socket (ConformanceSuite#anEarlierClientsDepartureNeverEndsAnotherStream). The
     * Servlet specification leaves that synchronisation to the application (Servlet 6.0, 2.3.3.4).
     */
    protected final Object container = new Object();
    /** The container ended the async cycle: nothing here may touch its objects again. Guarded by {@link #container}. */
    private boolean containerEnded;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ServletOutputStream out;
    private volatile Runnable writable = () -> { };
    private volatile Runnable gone = () -> { };
    private boolean flushPending;

    protected NonBlockingResponse(AsyncContext async) {
        this.async = async;
        this.response = (HttpServletResponse) async.getResponse();
        async.addListener(this);
    }

    /** Taken on first use, so that a subclass may still set the status and headers of an error response. */
    protected final ServletOutputStream out() throws IOException {
        if (out == null) {
            out = response.getOutputStream();
        }
        return out;
    }

    protected final boolean isClosed() {
        return closed.get();
    }

    /** True when a write can go out now; a write that could not be flushed before is flushed first. */
    protected final boolean readyToWrite() {
        synchronized (container) {
            return readyWhileHeld();
        }
    }

    private boolean readyWhileHeld() {
        try {
            if (closed.get() || containerEnded || !out().isReady()) {
                return false;
            }
            if (flushPending) {
                flushPending = false;
                out().flush();
                return out().isReady();
            }
        } catch (IOException e) {
            return !closed.get(); // the next write reports the failure
        } catch (IllegalStateException recycled) {
            // Tomcat (TomEE) recycles the response of a client that left once it reported the departure (onComplete
            // or onError, which ran the gone hook): nothing can be written to it any more.
            closed.set(true);
            return false;
        }
        return true;
    }

    /** Writes and flushes, or leaves the flush to the next {@link #readyToWrite()} when the container is full. */
    protected final void writeAndFlush(byte[] bytes) throws IOException {
        synchronized (container) {
            if (containerEnded) {
                throw new IOException("the container ended this response (the client left)");
            }
            try {
                out().write(bytes);
                if (out().isReady()) {
                    out().flush();
                } else {
                    flushPending = true;
                }
            } catch (IllegalStateException recycled) {
                // As in readyToWrite: a recycled response (TomEE) is a client that left, a failed write like any other.
                throw new IOException("the response is no longer usable: " + recycled.getMessage(), recycled);
            }
        }
    }

    /**
     * Ends the response once, unless the container ended it already. After a failed write Payara reports nothing, so
     * this is what ends a departed client's cycle there; Tomcat (TomEE) reports it on its own thread, and whichever
     * of the two holds {@link #container} first ends it.
     */
    public final void complete() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (container) {
            if (!containerEnded) {
                completeWhileHeld();
            }
        }
    }

    private void completeWhileHeld() {
        try {
            async.complete();
        } catch (IllegalStateException alreadyCompleted) {
            // Nothing left to do.
        }
    }

    /**
     * The container's thread reports the end of the async cycle. {@code completeNow}: the container waits for the
     * application to complete (an error, a timeout), which happens here unless the relay completed already.
     */
    private void endedByContainer(boolean completeNow) {
        synchronized (container) {
            if (completeNow && !containerEnded && closed.compareAndSet(false, true)) {
                completeWhileHeld();
            }
            containerEnded = true;
        }
    }

    public void onWritable(Runnable hook) {
        writable = hook;
        boolean set;
        synchronized (container) {
            try {
                set = !containerEnded;
                if (set) {
                    out().setWriteListener(this);
                }
            } catch (IOException | IllegalStateException failed) {
                set = false;
            }
        }
        if (!set) {
            gone.run();
        }
    }

    public void onGone(Runnable hook) {
        gone = hook;
    }

    @Override
    public void onWritePossible() throws IOException {
        writable.run();
    }

    @Override
    public void onError(Throwable failure) {
        endedByContainer(true);
        gone.run();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        boolean relayEnded = closed.get();
        endedByContainer(false);
        if (!relayEnded) {
            gone.run();
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        endedByContainer(true);
        gone.run();
    }

    @Override
    public void onError(AsyncEvent event) {
        endedByContainer(true);
        gone.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not restarted.
    }
}
