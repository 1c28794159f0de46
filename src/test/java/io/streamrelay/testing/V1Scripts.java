package io.streamrelay.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Upstream streams for the /v1 front door (issue 10): two parallel tool calls whose arguments arrive in many small
 * interleaved pieces, and seeded random streams (text, reasoning, tool-call deltas split at random points, usage,
 * unknown extra fields) whose expected per-field concatenation a test computes from the same seed.
 */
public final class V1Scripts {

    /** The two calls of TOOL_SPLIT: id, name, arguments. */
    public static final List<String[]> SPLIT_CALLS = List.of(
            new String[]{"call_w7", "get_weather", "{\"city\":\"Zürich\",\"unit\":\"celsius\",\"note\":\"a \\\"quoted\\\" 北京 🚀\"}"},
            new String[]{"call_t9", "get_time", "{\"zone\":\"Asia/Tokyo\",\"format\":\"24h\"}"});

    private V1Scripts() {
    }

    /**
     * {@code interleaved}: the fragments of the two calls alternate (legal, and what some servers do); else call 0
     * whole, then call 1 (what OpenAI does).
     */
    static void toolSplit(Wire wire, boolean interleaved) throws IOException, InterruptedException {
        wire.streamHeaders();
        Script.event(wire, "{\"role\":\"assistant\",\"content\":null}", null);
        List<List<String>> pieces = new ArrayList<>();
        for (String[] call : SPLIT_CALLS) {
            pieces.add(Script.pieces(call[2], 3));
        }
        if (!interleaved) {
            for (int i = 0; i < SPLIT_CALLS.size(); i++) {
                Script.event(wire, "{\"tool_calls\":[" + call(i, SPLIT_CALLS.get(i)[0], SPLIT_CALLS.get(i)[1], "")
                        + "]}", null);
                for (String piece : pieces.get(i)) {
                    Script.event(wire, "{\"tool_calls\":[" + call(i, null, null, piece) + "]}", null);
                }
            }
            Script.finishWith(wire, "tool_calls");
            return;
        }
        for (int i = 0; i < SPLIT_CALLS.size(); i++) {
            Script.event(wire, "{\"tool_calls\":[" + call(i, SPLIT_CALLS.get(i)[0], SPLIT_CALLS.get(i)[1], "")
                    + "]}", null);
        }
        int longest = Math.max(pieces.get(0).size(), pieces.get(1).size());
        for (int p = 0; p < longest; p++) {
            for (int i = 0; i < pieces.size(); i++) {
                if (p < pieces.get(i).size()) {
                    Script.event(wire, "{\"tool_calls\":[" + call(i, null, null, pieces.get(i).get(p)) + "]}", null);
                }
            }
            wire.pause(1);
        }
        Script.finishWith(wire, "tool_calls");
    }

    static String call(int index, String id, String name, String arguments) {
        String function = (name == null ? "" : "\"name\":" + Json.quote(name) + ",")
                + "\"arguments\":" + Json.quote(arguments);
        return "{\"index\":" + index + (id == null ? "" : ",\"id\":" + Json.quote(id) + ",\"type\":\"function\"")
                + ",\"function\":{" + function + "}}";
    }

    /** A seeded random stream and what every field of it concatenates to. */
    public record Generated(List<String> chunks, String content, String reasoning, Map<Integer, String[]> calls,
                            String finishReason, int promptTokens, int completionTokens) {
    }

    /** The seed is the prompt's tag: {@code "v1-generated: <seed>"}. */
    public static Generated generated(long seed) {
        Random random = new Random(seed);
        List<String> chunks = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        Map<Integer, String[]> calls = new LinkedHashMap<>();
        String extra = ",\"x_vendor\":{\"n\":" + random.nextInt(100) + "}";
        chunks.add(chunk("{\"role\":\"assistant\",\"content\":\"\"" + extra + "}", null, extra));
        int reasoningPieces = random.nextInt(6);
        for (int i = 0; i < reasoningPieces; i++) {
            String piece = text(random);
            reasoning.append(piece);
            chunks.add(chunk("{\"reasoning_content\":" + Json.quote(piece) + "}", null, ""));
        }
        int textPieces = 1 + random.nextInt(12);
        for (int i = 0; i < textPieces; i++) {
            String piece = text(random);
            content.append(piece);
            chunks.add(chunk("{\"content\":" + Json.quote(piece) + "}", null, i % 3 == 0 ? extra : ""));
        }
        int callCount = random.nextInt(4);
        List<List<String>> pieces = new ArrayList<>();
        for (int c = 0; c < callCount; c++) {
            String arguments = "{\"q\":" + Json.quote(text(random) + text(random)) + ",\"n\":" + random.nextInt(999)
                    + "}";
            calls.put(c, new String[]{"call_" + seed + "_" + c, "tool_" + c, arguments});
            List<String> cut = new ArrayList<>();
            for (int at = 0; at < arguments.length(); ) {
                int next = Math.min(arguments.length(), at + 1 + random.nextInt(6));
                if (next < arguments.length() && Character.isLowSurrogate(arguments.charAt(next))) {
                    // A model's fragment never holds half a character: the upstream's own UTF-8 could not carry it.
                    next++;
                }
                cut.add(arguments.substring(at, next));
                at = next;
            }
            pieces.add(cut);
            chunks.add(chunk("{\"tool_calls\":[" + call(c, "call_" + seed + "_" + c, "tool_" + c, "") + "]}", null,
                    ""));
        }
        boolean more = true;
        for (int p = 0; more; p++) {
            more = false;
            for (int c = 0; c < callCount; c++) {
                if (p < pieces.get(c).size()) {
                    more = true;
                    chunks.add(chunk("{\"tool_calls\":[" + call(c, null, null, pieces.get(c).get(p)) + "]}", null,
                            random.nextBoolean() ? extra : ""));
                }
            }
        }
        String finish = callCount > 0 ? "tool_calls" : random.nextBoolean() ? "stop" : "length";
        chunks.add(chunk("{}", finish, ""));
        int promptTokens = 1 + random.nextInt(500);
        int completionTokens = 1 + random.nextInt(500);
        chunks.add("{\"id\":\"gen\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (promptTokens + completionTokens) + ",\"x_cached\":3}}");
        return new Generated(chunks, content.toString(), reasoning.toString(), calls, finish, promptTokens,
                completionTokens);
    }

    static void playGenerated(Wire wire, long seed) throws IOException {
        wire.streamHeaders();
        for (String chunk : generated(seed).chunks()) {
            wire.chunk("data: " + chunk + "\n\n");
        }
        wire.chunk("data: [DONE]\n\n");
        wire.end();
    }

    private static String chunk(String delta, String finishReason, String extra) {
        return "{\"id\":\"gen\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"" + extra
                + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }

    private static final String[] WORDS = {" the", " relay", " 你好", " 🚀", " naïve", " \"q\"", " a\\b", " line\n",
            " tab\t", " <b>", " &amp;", ",", ".", " 42", " ü"};

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int words = 1 + random.nextInt(3);
        for (int i = 0; i < words; i++) {
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }
}
