package io.streamrelay.upstream.control;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.streamrelay.json.control.JsonMembers;
import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * An OpenAI-compatible {@code /chat/completions} stream (DeepSeek, OpenAI, Ollama, vLLM, llama.cpp) through a few
 * shared HttpClients ({@code relay.threads.upstream}): their selectors read every upstream socket and no thread
 * waits for a token. One request to one endpoint; {@link RetryingUpstream} decides which endpoint and how often.
 */
@ApplicationScoped
@Typed(OpenAiUpstream.class)
public class OpenAiUpstream {

    private static final Logger LOG = Logger.getLogger(OpenAiUpstream.class.getName());

    @Inject
    UpstreamSettings settings;

    @Inject
    RelayThreads threads;

    /** One per upstream thread, each reading its share of the streams on its own selector thread. */
    private HttpClient[] clients;
    private final AtomicInteger next = new AtomicInteger();
    private Redaction redaction;

    @PostConstruct
    void init() {
        // HTTP/1.1: one connection per generation, so closing it is a cancel every server understands; with h2
        // one connection would carry every stream, bounded by the server's concurrent-stream limit.
        // Each client's callbacks run on its own selector thread, where it read the bytes (the executor runs them
        // in place): its default executor is an unbounded cached pool (500+ threads at 1000 streams), a queue of
        // workers cost a thread hand-off per read, and a ManagedExecutorService would pay Payara's context
        // capture, a classpath scan, for every one of the client's internal tasks. Several clients: the parsing
        // and delivering of all streams is not bound to one core.
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            // The client completes every sendAsync on the common pool (HttpClientImpl.sendAsync), and with a
            // parallelism of 1 CompletableFuture starts a thread for each such task (server-config/jvm.options).
            LOG.warning("the common ForkJoinPool has a parallelism of " + ForkJoinPool.getCommonPoolParallelism()
                    + " (2 cores or fewer): the JDK HttpClient will start a new thread at the end of every generation;"
                    + " start the JVM with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
                    + " (server-config/jvm.options)");
        }
        clients = new HttpClient[threads.upstreamThreads()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(settings.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(Runnable::run)
                    .build();
        }
        // Each upstream's messages are scrubbed of every configured secret (keys, URL passwords and queries), its
        // own and the other's.
        List<String> secrets = new ArrayList<>(settings.primary().secrets());
        settings.fallback().ifPresent(f -> secrets.addAll(f.secrets()));
        redaction = new Redaction(secrets.toArray(String[]::new));
    }

    /** The model an endpoint is asked for: its own (a fallback's), else the request's, else the default. */
    String modelFor(UpstreamSettings.Endpoint endpoint, ChatRequest request) {
        return endpoint.model() != null ? endpoint.model()
                : request.model() != null ? request.model() : settings.model();
    }

    Upstream.UpstreamCall send(UpstreamSettings.Endpoint endpoint, ChatRequest request,
                               Consumer<UpstreamEvent> events) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.completions())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                // A compressed stream would be refused (StreamSubscriber): ask for none.
                .header("Accept-Encoding", "identity")
                .POST(HttpRequest.BodyPublishers.ofString(body(request, modelFor(endpoint, request))));
        String authorization = endpoint.authorization();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        StreamSubscriber subscriber = new StreamSubscriber(redaction, events);
        HttpClient client = clients[Math.floorMod(next.getAndIncrement(), clients.length)];
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(builder.build(), subscriber::handle);
        response.whenComplete((ok, failure) -> {
            if (failure != null) {
                subscriber.connectionLost();
            }
        });
        return () -> {
            // The generation lets go of its call when it ends, too: an answer that has ended reads the rest of its
            // body, so that the connection is kept for the next one; and once the body may have finished, a cancel
            // would close the pooled connection under the next generation (StreamSubscriber).
            if (!subscriber.ended()) {
                subscriber.cancel();
                response.cancel(true);
            }
        };
    }

    /**
     * The upstream body: the client's, member by member in its order with every value as sent, except what the
     * relay owns ({@code model}, {@code stream}, {@code stream_options.include_usage}, {@code temperature},
     * {@code max_tokens}, {@code max_completion_tokens}), which it writes itself; the owned members the client left
     * out follow at the end. docs/requests.md.
     */
    String body(ChatRequest request, String model) {
        StringBuilder json = new StringBuilder(256).append('{');
        boolean modelWritten = false;
        boolean streamWritten = false;
        boolean optionsWritten = false;
        for (Map.Entry<String, String> member : request.body().members().entrySet()) {
            String name = member.getKey();
            String value = switch (name) {
                case "model" -> quoted(model);
                case "stream" -> "true";
                case "stream_options" -> settings.streamOptions() ? streamOptions(member.getValue()) : null;
                case "temperature" -> request.temperature() == null ? null : String.valueOf(request.temperature());
                case "max_tokens" -> request.maxTokens() == null ? null : String.valueOf(request.maxTokens());
                case "max_completion_tokens" -> request.maxCompletionTokens() == null ? null
                        : String.valueOf(request.maxCompletionTokens());
                default -> member.getValue();
            };
            modelWritten |= name.equals("model");
            streamWritten |= name.equals("stream");
            optionsWritten |= name.equals("stream_options") && value != null;
            if (value != null) {
                member(json, name, value);
            }
        }
        if (!modelWritten) {
            member(json, "model", quoted(model));
        }
        if (!streamWritten) {
            member(json, "stream", "true");
        }
        if (!optionsWritten && settings.streamOptions()) {
            member(json, "stream_options", "{\"include_usage\":true}");
        }
        return json.append('}').toString();
    }

    /** The client's stream_options with include_usage set: any other option it gave passes as sent. */
    private static String streamOptions(String clients) {
        Map<String, String> options;
        try {
            options = JsonMembers.of(clients);
        } catch (IOException notAnObject) {
            // The reader let through only an object or null.
            options = Map.of();
        }
        StringBuilder json = new StringBuilder("{\"include_usage\":true");
        options.forEach((name, value) -> {
            if (!name.equals("include_usage")) {
                member(json, name, value);
            }
        });
        return json.append('}').toString();
    }

    private static void member(StringBuilder json, String name, String value) {
        if (json.length() > 1) {
            json.append(',');
        }
        json.append(quoted(name)).append(':').append(value);
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"').toString();
    }
}
