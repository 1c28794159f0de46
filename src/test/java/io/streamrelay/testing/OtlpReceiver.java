package io.streamrelay.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An OTLP/HTTP (protobuf) trace receiver on loopback: what an OpenTelemetry collector would get. */
public final class OtlpReceiver implements Closeable {

    private final HttpServer server;
    private final List<Span> spans = new ArrayList<>();

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
                synchronized (spans) {
                    for (ResourceSpans resource : request.getResourceSpansList()) {
                        for (ScopeSpans scope : resource.getScopeSpansList()) {
                            spans.addAll(scope.getSpansList());
                        }
                    }
                }
            }
            byte[] ok = new byte[0];
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
            exchange.close();
        });
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Span> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    public static Optional<String> attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(a -> a.getKey().equals(key)).findFirst().map(a -> {
            var value = a.getValue();
            return value.hasStringValue() ? value.getStringValue() : value.hasIntValue()
                    ? String.valueOf(value.getIntValue()) : value.hasBoolValue() ? String.valueOf(value.getBoolValue())
                    : value.toString();
        });
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
