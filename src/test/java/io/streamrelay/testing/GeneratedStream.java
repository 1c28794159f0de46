package io.streamrelay.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An upstream stream drawn from a seed: reasoning (DeepSeek's or vLLM's field), text, parallel tool calls whose
 * arguments are cut at random points and interleaved (OpenAI's wire: the first fragment of a call carries index,
 * id, type and name), a finish reason, the usage chunk, and unknown fields in chunks, choices, deltas and calls.
 * The same seed gives the same stream, so a failure names its seed. {@code generated: <seed> <tag>} selects it.
 */
public record GeneratedStream(List<String> chunks, List<String> tokens, String reasoning, Map<Integer, Call> calls,
                              String finishReason, int promptTokens, int completionTokens) {

    /** One call as the upstream meant it, its arguments whole. */
    public record Call(String id, String name, String arguments) {
    }

    private static final String ALPHABET = "abcxyz XYZ019{}[]:,.\"\\/\n\t<>&'üß北京😀\u2028";
    private static final String[] REASONS = {"stop", "length", "content_filter"};

    public static GeneratedStream forPrompt(String prompt) {
        String[] words = prompt.split(" ");
        return of(Long.parseLong(words[1]));
    }

    public static GeneratedStream of(long seed) {
        Random random = new Random(seed);
        List<String> chunks = new ArrayList<>();
        chunks.add(chunk(random, "{\"role\":\"assistant\",\"content\":\"\"}", null));
        StringBuilder reasoning = new StringBuilder();
        String reasoningField = random.nextBoolean() ? "reasoning_content" : "reasoning";
        for (int i = random.nextInt(4); i > 0; i--) {
            String piece = text(random, 1 + random.nextInt(6));
            reasoning.append(piece);
            chunks.add(chunk(random, "{\"" + reasoningField + "\":" + Json.quote(piece) + extra(random) + "}", null));
        }
        List<String> tokens = new ArrayList<>();
        for (int i = random.nextInt(8); i > 0; i--) {
            String piece = text(random, 1 + random.nextInt(5));
            tokens.add(piece);
            chunks.add(chunk(random, "{\"content\":" + Json.quote(piece) + extra(random) + "}", null));
        }
        Map<Integer, Call> calls = new LinkedHashMap<>();
        List<String> fragments = new ArrayList<>();
        if (random.nextInt(10) < 7) {
            int count = 1 + random.nextInt(3);
            List<List<String>> perCall = new ArrayList<>();
            for (int index = 0; index < count; index++) {
                Call call = new Call("call_" + Long.toHexString(random.nextLong()), "tool_" + index + "_" + seed,
                        "{\"q\":" + Json.quote(text(random, random.nextInt(30))) + ",\"n\":" + random.nextInt(99) + "}");
                calls.put(index, call);
                perCall.add(fragmentsOf(random, index, call));
            }
            // Interleaved across calls, each call's fragments in order.
            while (perCall.stream().anyMatch(f -> !f.isEmpty())) {
                List<String> next = perCall.get(random.nextInt(count));
                if (!next.isEmpty()) {
                    fragments.add(next.remove(0));
                }
            }
        }
        for (int i = 0; i < fragments.size(); ) {
            int take = Math.min(fragments.size() - i, 1 + random.nextInt(2));
            chunks.add(chunk(random, "{\"tool_calls\":[" + String.join(",", fragments.subList(i, i + take)) + "]"
                    + extra(random) + "}", null));
            i += take;
        }
        String finish = calls.isEmpty() ? REASONS[random.nextInt(REASONS.length)] : "tool_calls";
        chunks.add(chunk(random, "{}", finish));
        int prompt = random.nextInt(500);
        int completion = random.nextInt(500);
        chunks.add("{\"id\":\"chatcmpl-gen\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + ",\"completion_tokens_details\":{\"reasoning_tokens\":"
                + "0}},\"timings\":{\"predicted_ms\":1.5}}");
        return new GeneratedStream(chunks, tokens, reasoning.toString(), calls, finish, prompt, completion);
    }

    void play(Wire wire) throws IOException {
        wire.streamHeaders();
        for (String chunk : chunks) {
            wire.chunk("data: " + chunk + "\n\n");
        }
        wire.chunk("data: [DONE]\n\n");
        wire.end();
    }

    /** The call's tool_calls entries: the first with id, type and name, then the arguments cut at random points. */
    private static List<String> fragmentsOf(Random random, int index, Call call) {
        List<String> pieces = new ArrayList<>();
        String arguments = call.arguments();
        boolean openAiStyle = random.nextBoolean();
        int at = openAiStyle ? 0 : whole(arguments, Math.min(arguments.length(), random.nextInt(4)));
        pieces.add("{\"index\":" + index + ",\"id\":" + Json.quote(call.id()) + ",\"type\":\"function\",\"function\":"
                + "{\"name\":" + Json.quote(call.name()) + ",\"arguments\":" + Json.quote(arguments.substring(0, at))
                + "}" + extra(random) + "}");
        while (at < arguments.length()) {
            int end = whole(arguments, Math.min(arguments.length(), at + 1 + random.nextInt(8)));
            pieces.add("{\"index\":" + index + ",\"function\":{\"arguments\":"
                    + Json.quote(arguments.substring(at, end)) + "}}");
            at = end;
        }
        return pieces;
    }

    /** A cut moved past a surrogate pair's first half: each piece goes upstream as UTF-8 on its own. */
    private static int whole(String text, int cut) {
        return cut > 0 && cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1)) ? cut + 1 : cut;
    }

    private static String chunk(Random random, String delta, String finish) {
        return "{\"id\":\"chatcmpl-gen\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\""
                + extra(random) + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,"
                + "\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + extra(random) + "}],"
                + "\"usage\":null}";
    }

    /** Nothing, or an unknown member with nested values a parser must skip. */
    private static String extra(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> ",\"x_unknown\":{\"a\":[1,{\"b\":\"}]\\\"\"},null],\"c\":-1.5e3}";
            case 1 -> ",\"obfuscation\":\"" + Long.toHexString(random.nextLong()) + "\"";
            default -> "";
        };
    }

    private static String text(Random random, int length) {
        StringBuilder text = new StringBuilder();
        int[] points = ALPHABET.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(points[random.nextInt(points.length)]);
        }
        return text.toString();
    }
}
