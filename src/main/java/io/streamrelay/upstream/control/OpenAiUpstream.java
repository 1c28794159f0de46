package io.streamrelay.upstream.control;

import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonReaderFactory;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;

import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible {@code /chat/completions} stream (DeepSeek, OpenAI, Ollama, vLLM, llama.cpp) through one
 * shared HttpClient: its selector reads every upstream socket and no thread waits for a token. One request to one
 * endpoint; {@link RetryingUpstream} decides which endpoint and how often.
 */
@ApplicationScoped
@Typed(OpenAiUpstream.class)
public class OpenAiUpstream {

    @Inject
    UpstreamSettings settings;

    @Inject
    RelayThreads threads;

    private HttpClient client;
    private JsonReaderFactory readers;
    private JsonGeneratorFactory generators;
    private Redaction redaction;

    @PostConstruct
    void init() {
        // HTTP/1.1: one connection per generation, so closing it is a cancel every server understands; with h2
        // one connection would carry every stream, bounded by the server's concurrent-stream limit.
        // The client's callbacks run on a few container threads fed by a queue: its default executor is an
        // unbounded cached pool (500+ threads at 1000 streams), and a ManagedExecutorService given directly would
        // pay Payara's context capture, a classpath scan, for every one of the client's internal tasks.
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(threads.upstream())
                .build();
        readers = Json.createReaderFactory(Map.of());
        generators = Json.createGeneratorFactory(Map.of());
        // Each upstream's messages are scrubbed of every configured key, its own and the other's.
        redaction = new Redaction(settings.apiKey(), settings.fallback().map(UpstreamSettings.Endpoint::apiKey)
                .orElse(null));
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
                .POST(HttpRequest.BodyPublishers.ofString(body(request, modelFor(endpoint, request))));
        if (endpoint.apiKey() != null) {
            builder.header("Authorization", "Bearer " + endpoint.apiKey());
        }
        StreamSubscriber subscriber = new StreamSubscriber(readers, redaction, events);
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(builder.build(), subscriber::handle);
        response.whenComplete((ok, failure) -> {
            if (failure != null) {
                subscriber.connectionLost();
            }
        });
        return () -> {
            subscriber.cancel();
            response.cancel(true);
        };
    }

    String body(ChatRequest request, String model) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = generators.createGenerator(out)) {
            json.writeStartObject().write("model", model).writeStartArray("messages");
            for (ChatMessage message : request.messages()) {
                json.writeStartObject().write("role", message.role()).write("content", message.content())
                        .writeEnd();
            }
            json.writeEnd().write("stream", true);
            if (settings.streamOptions()) {
                json.writeStartObject("stream_options").write("include_usage", true).writeEnd();
            }
            if (request.temperature() != null) {
                json.write("temperature", request.temperature());
            }
            if (request.maxTokens() != null) {
                json.write("max_tokens", request.maxTokens());
            }
            json.writeEnd();
        }
        return out.toString();
    }
}
