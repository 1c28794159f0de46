package io.streamrelay.upstream.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
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

    private static final JsonFactory JSON = new JsonFactory();

    private HttpClient client;
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
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model", model);
            json.writeArrayFieldStart("messages");
            for (ChatMessage message : request.messages()) {
                json.writeStartObject();
                json.writeStringField("role", message.role());
                json.writeStringField("content", message.content());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeBooleanField("stream", true);
            if (settings.streamOptions()) {
                json.writeObjectFieldStart("stream_options");
                json.writeBooleanField("include_usage", true);
                json.writeEndObject();
            }
            if (request.temperature() != null) {
                json.writeNumberField("temperature", request.temperature());
            }
            if (request.maxTokens() != null) {
                json.writeNumberField("max_tokens", request.maxTokens());
            }
            json.writeEndObject();
        } catch (IOException cannotHappen) {
            // A StringWriter does not fail.
            throw new UncheckedIOException(cannotHappen);
        }
        return out.toString();
    }
}
