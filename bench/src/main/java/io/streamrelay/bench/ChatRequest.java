package io.streamrelay.bench;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP request that opens one stream, in each relay's own API: StreamRelay and the simulator by POST of a chat
 * body, the Spring peer by GET with the prompt in the query. {@code Connection: close}, so that a stream's end is
 * also its connection's.
 */
final class ChatRequest {

    private ChatRequest() {
    }

    static byte[] encode(LoadClient.Plan plan) {
        String prompt = UpstreamSimulator.prompt(plan.tokens(), plan.minGapMs(), plan.maxGapMs());
        if (plan.wire() == LoadClient.Wire.PEER_SSE || plan.wire() == LoadClient.Wire.PEER_NDJSON) {
            String query = prompt.replace(" ", "%20").replace("=", "%3D");
            return ("GET " + (plan.wire() == LoadClient.Wire.PEER_SSE ? "/stream" : "/chat") + "?prompt=" + query
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
                    + (plan.wire() == LoadClient.Wire.PEER_SSE ? "text/event-stream" : "application/x-ndjson")
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        }
        String path = switch (plan.wire()) {
            case SSE -> "/api/chat";
            case NDJSON -> "/ndjson/chat";
            case V1 -> "/v1/chat/completions";
            case DIRECT -> "/chat/completions";
            default -> throw new IllegalStateException(plan.wire().name());
        };
        // Unstamped streams (the offline model) stop at max_tokens; stamped ones at the prompt's own count.
        String body = "{" + (plan.wire() == LoadClient.Wire.V1 ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]"
                + (plan.stamped() ? "" : ",\"max_tokens\":" + plan.tokens()) + "}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: " + (plan.wire() == LoadClient.Wire.NDJSON ? "application/x-ndjson" : "text/event-stream")
                + "\r\n" + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }
}
