package io.streamrelay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The JDK HttpClient exactly as the relay's OpenAiUpstream builds it: HTTP/1.1, no redirects, a small executor. */
final class JdkStreamingClient implements StreamingClient {

    private final ExecutorService executor;
    private final HttpClient client;

    /** {@code threads} callback workers; 0: the callbacks run on the client's own selector thread. */
    JdkStreamingClient(int threads) {
        // The relay's TaskQueue: a fixed number of workers on one queue.
        executor = threads == 0 ? null : new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "jdk-client-callback");
            t.setDaemon(true);
            return t;
        });
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor == null ? Runnable::run : executor)
                .build();
    }

    @Override
    public CompletableFuture<Void> stream(URI uri, String body, DataLines lines) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Accept-Encoding", "identity")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.sendAsync(request, info -> HttpResponse.BodySubscribers.fromSubscriber(
                new Flow.Subscriber<List<ByteBuffer>>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscription.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(List<ByteBuffer> buffers) {
                        for (ByteBuffer buffer : buffers) {
                            lines.feed(buffer);
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        done.complete(null);
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }
                })).whenComplete((r, failure) -> done.complete(null));
        return done;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
