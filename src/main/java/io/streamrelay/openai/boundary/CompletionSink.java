package io.streamrelay.openai.boundary;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.openai.control.CompletionBody;
import jakarta.servlet.AsyncContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code stream: false}: collects the generation and answers once it ends, with a {@code chat.completion} (200) or
 * the failure's status and OpenAI's error body. The body is written without blocking: whatever the container
 * cannot take at once goes out on its write callbacks, and the response completes when it is all out.
 */
final class CompletionSink extends AsyncResponse implements TokenSink {

    private final CompletionBody body;
    private byte[] answer;
    private boolean written;
    private boolean drained;

    CompletionSink(AsyncContext async, CompletionBody body) {
        super(async);
        this.body = body;
    }

    @Override
    public void bind(String generation) {
        body.bind(generation);
        bindHeader(generation);
    }

    /**
     * Ready for events until the answer is made; after that ready once more, so that the follower sees its terminal
     * event written and closes the sink (the response completes when the container has taken the whole body).
     */
    @Override
    public boolean isReady() {
        return answer != null || !isClosed();
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public synchronized void write(List<StreamEvent> events) throws IOException {
        for (StreamEvent event : events) {
            if (answer != null) {
                return;
            }
            if (event instanceof StreamEvent.Done done) {
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Cache-Control", "no-store");
                answer = body.json(done).getBytes(StandardCharsets.UTF_8);
                response.setContentLength(answer.length);
            } else if (event instanceof StreamEvent.Failure failure) {
                answer = errorResponse(failure);
            } else {
                body.add(event);
            }
        }
        if (answer != null && out().isReady()) {
            // The write listener was set when the follow began (onWritable); while the container can take bytes,
            // it calls back only after a write, so the first one goes out here.
            onWritePossible();
        }
    }

    /** The container's callback: the body goes out here, in one write it buffers as needed. */
    @Override
    public void onWritePossible() throws IOException {
        synchronized (this) {
            if (answer != null) {
                if (!written) {
                    written = true;
                    out().write(answer);
                }
                if (out().isReady()) {
                    drained = true;
                    complete();
                }
                return;
            }
        }
        // Outside the monitor: the follower's drain may write on this thread, and its writer calls write(), which
        // takes the monitor while it holds the follower's write lock.
        super.onWritePossible();
    }

    @Override
    public void onError(Throwable failure) {
        complete();
        super.onError(failure);
    }

    @Override
    public synchronized void close() {
        // After an answer, the response completes once the container has taken all of it.
        if (answer == null || drained) {
            complete();
        }
    }
}
