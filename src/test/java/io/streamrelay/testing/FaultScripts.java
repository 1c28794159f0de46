package io.streamrelay.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * The fault scenarios of {@link Script} (issue 9: real-world streams), byte for byte as servers send them. Those
 * that fail before any token answer normally on the fallback, so a test can see them retried and handed over.
 */
final class FaultScripts {

    private static final String ROLE = "{\"role\":\"assistant\",\"content\":\"\"}";

    private FaultScripts() {
    }

    static boolean onFallback(Wire wire) {
        return wire.exchange().path().startsWith("/fallback/");
    }

    static void play(Script script, Wire wire) throws IOException, InterruptedException {
        boolean transientBeforeAnyToken = switch (script) {
            case DONE_ONLY, KEEPALIVE_CLOSE, INBAND_OVERLOADED, VLLM_500, EVENT_ERROR_TIMEOUT, OPENROUTER_429 -> true;
            default -> false;
        };
        if (transientBeforeAnyToken && onFallback(wire)) {
            Script.answer(wire, Script.NORMAL_TOKENS, 5);
            return;
        }
        switch (script) {
            case DONE_ONLY -> {
                wire.streamHeaders();
                wire.chunk("data: [DONE]\n\n");
                wire.end();
            }
            case KEEPALIVE_CLOSE -> {
                wire.streamHeaders();
                wire.chunk(": keep-alive\n\n");
                wire.pause(20);
                wire.chunk(": keep-alive\n\n");
                wire.end();
            }
            case INBAND_OVERLOADED -> {
                wire.streamHeaders();
                Script.event(wire, ROLE, null);
                wire.chunk("data: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}\n\n");
                wire.end();
            }
            case VLLM_500 -> {
                wire.streamHeaders();
                wire.chunk("data: {\"object\":\"error\",\"message\":\"Engine loop is not running\",\"type\":"
                        + "\"InternalServerError\",\"param\":null,\"code\":500}\n\n");
                wire.chunk("data: [DONE]\n\n");
                wire.end();
            }
            case EVENT_ERROR_TIMEOUT -> {
                wire.streamHeaders();
                wire.chunk("event: error\ndata: {\"message\":\"upstream request timed out\",\"code\":\"timeout\"}\n\n");
                wire.end();
            }
            case OPENROUTER_429 -> {
                wire.streamHeaders();
                wire.chunk(": OPENROUTER PROCESSING\n\n");
                wire.chunk("data: {\"id\":\"gen-1739400000-AbCdEfGh\",\"object\":\"chat.completion.chunk\","
                        + "\"created\":1739400000,\"model\":\"openai/gpt-4o\",\"provider\":\"OpenAI\",\"error\":"
                        + "{\"code\":429,\"message\":\"Provider returned error: rate limited upstream\"},\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\","
                        + "\"native_finish_reason\":\"error\"}]}\n\n");
                wire.chunk("data: [DONE]\n\n");
                wire.end();
            }
            case ERROR_FIELD -> {
                wire.streamHeaders();
                wire.chunk("error: {\"message\":\"x\"}\n\n");
                wire.chunk("data: [DONE]\n\n");
                wire.end();
            }
            case INBAND_CONTEXT -> {
                wire.streamHeaders();
                wire.chunk("data: {\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":"
                        + "\"context_length_exceeded\"}}\n\n");
                wire.end();
            }
            case PARTIAL_DONE -> {
                Script.partial(wire);
                wire.chunk("data: [DONE]\n\n");
                wire.end();
            }
            case PARTIAL_OVERLOADED -> {
                Script.partial(wire);
                wire.chunk("data: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}\n\n");
                wire.end();
            }
            case HTTP429_LONG -> wire.errorResponse(429, "Too Many Requests", "Retry-After: 7\r\n",
                    "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
            case GZIP -> {
                wire.streamHeaders("Content-Encoding: gzip\r\n");
                wire.chunk(gzip("data: " + Script.chunk("{\"content\":\"Hello\"}", "stop") + "\n\ndata: [DONE]\n\n"));
                wire.end();
            }
            case BROTLI -> {
                wire.streamHeaders("Content-Encoding: br\r\n");
                // Not real brotli: the relay must refuse on the header alone, never read the bytes as text.
                wire.chunk(new byte[]{(byte) 0x8b, 0x05, (byte) 0x80, 0x64, 0x61, 0x74, 0x61, 0x03});
                wire.end();
            }
            default -> throw new IllegalArgumentException("not a fault script: " + script);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
