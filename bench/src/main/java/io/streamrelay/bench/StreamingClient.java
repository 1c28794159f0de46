package io.streamrelay.bench;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** One HTTP client under comparison: POSTs a body and feeds the streamed answer to a {@link DataLines}. */
interface StreamingClient extends AutoCloseable {

    /** Completes when the body ended (normally or not); the counter holds what came. */
    CompletableFuture<Void> stream(URI uri, String body, DataLines lines);

    @Override
    void close() throws Exception;
}
