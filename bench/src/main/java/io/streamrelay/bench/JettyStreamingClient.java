package io.streamrelay.bench;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Jetty 12's HttpClient, HTTP/1.1, read through its non-blocking demand API (Content.Source: read until null,
 * then demand), never its blocking InputStream.
 */
final class JettyStreamingClient implements StreamingClient {

    private final HttpClient client;

    /** {@code threads} workers besides the selector, which Jetty takes from the same pool. */
    JettyStreamingClient(int threads, boolean nonBlocking) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(threads + 1, Math.min(threads + 1, 2));
        pool.setName("jetty-client");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        ClientConnector connector = new ClientConnector();
        // The JVM's default trust (javax.net.ssl.trustStore), host names verified.
        connector.setSslContextFactory(new SslContextFactory.Client());
        connector.setSelectors(1);
        connector.setExecutor(pool);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        if (nonBlocking) {
            // The reader never blocks: Jetty may then run it on the selector thread, without a hand-off.
            transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        }
        client = new HttpClient(transport);
        client.setExecutor(pool);
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(100_000);
        client.setMaxRequestsQueuedPerDestination(100_000);
        client.setConnectTimeout(10_000);
        client.start();
    }

    @Override
    public CompletableFuture<Void> stream(URI uri, String body, DataLines lines) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.newRequest(uri).method(HttpMethod.POST)
                .headers(h -> h.put("Accept", "text/event-stream").put("Accept-Encoding", "identity"))
                .body(new StringRequestContent("application/json", body))
                .onResponseContentSource((response, source) -> read(source, lines, done))
                .send(result -> done.complete(null));
        return done;
    }

    private static void read(Content.Source source, DataLines lines, CompletableFuture<Void> done) {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(() -> read(source, lines, done));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done.complete(null);
                return;
            }
            lines.feed(chunk.getByteBuffer());
            chunk.release();
            if (chunk.isLast()) {
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
