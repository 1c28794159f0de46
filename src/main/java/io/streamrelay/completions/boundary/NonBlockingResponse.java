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
        try {
            if (closed.get() || !out().isReady()) {
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

    /** Ends the response once; the container may have completed it already after an error. */
    public final void complete() {
        if (closed.compareAndSet(false, true)) {
            try {
                async.complete();
            } catch (IllegalStateException alreadyCompleted) {
                // Nothing left to do.
            }
        }
    }

    public void onWritable(Runnable hook) {
        writable = hook;
        try {
            out().setWriteListener(this);
        } catch (IOException failed) {
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
        gone.run();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (!closed.get()) {
            gone.run();
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        gone.run();
    }

    @Override
    public void onError(AsyncEvent event) {
        gone.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not restarted.
    }
}
