package io.streamrelay.upstream.control;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Parse throughput of the chunk reader on realistic DeepSeek and OpenAI chunks (not a test: a harness to run by
 * hand, {@code java -cp target/classes:target/test-classes:<jackson-core> ...ChunkParseBench [seconds]
 * [candidates]}). Rounds alternate between the candidates so that a noisy shared machine hurts them alike; the
 * thread's CPU time is what is counted (wall time on a shared machine mostly measures the neighbours); warm-up
 * rounds are not counted.
 */
final class ChunkParseBench {

    private static final String DEEPSEEK = "{\"id\":\"5f2b5a0e-8f64-4a6c-9d7e-3b0c1a2f9e11\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"deepseek-chat\",\"system_fingerprint\":"
            + "\"fp_f1afce2943_prod0820_fp8_kvcache\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%s},"
            + "\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String REASONER = "{\"id\":\"a1c9e0d2-6b3f-4e57-8d21-0f9b7c3e5a44\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1735689700,\"model\":\"deepseek-reasoner\",\"system_fingerprint\":"
            + "\"fp_7e73fd9a08_prod0225\",\"choices\":[{\"index\":0,\"delta\":{\"content\":null,"
            + "\"reasoning_content\":%s},\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String OPENAI = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":"
            + "\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
            + "%s},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";
    private static final String USAGE = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,\"prompt_tokens_details\":"
            + "{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}";
    private static final String[] WORDS = {" the", " answer", ",", " 你好", " is", " \\\"quoted\\\"", "\\n", " 42",
            " naïve", " 😀", " relay", "."};

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private ChunkParseBench() {
    }

    /** A stream's worth of chunks: mostly content, some reasoning, one usage chunk in a hundred. */
    static List<String> corpus() {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String token = "\"" + WORDS[i % WORDS.length] + "\"";
            String template = i % 100 == 99 ? USAGE : i % 5 == 0 ? REASONER : i % 2 == 0 ? OPENAI : DEEPSEEK;
            chunks.add(template.contains("%s") ? String.format(template, token) : template);
        }
        return chunks;
    }

    static int jackson(String chunk) {
        try {
            Chunk read = ChunkJson.read(chunk);
            return read.content() != null ? read.content().length() : read.hasChoices() ? 1 : 0;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        List<String> chunks = corpus();
        long bytes = chunks.stream().mapToLong(c -> c.getBytes(StandardCharsets.UTF_8).length).sum();
        List<String> names = new ArrayList<>();
        List<ToIntFunction<String>> parsers = new ArrayList<>();
        names.add("jackson-core JsonParser");
        parsers.add(ChunkParseBench::jackson);
        for (String extra : args.length > 1 ? args[1].split(",") : new String[0]) {
            names.add(extra);
            parsers.add(Candidates.named(extra));
        }
        System.out.printf("corpus: %d chunks, %d bytes, %.0f bytes/chunk%n", chunks.size(), bytes,
                (double) bytes / chunks.size());
        for (int round = 0; round < 8; round++) {
            for (int p = 0; p < parsers.size(); p++) {
                long sink = 0;
                long n = 0;
                long start = CPU.getCurrentThreadCpuTime();
                long deadline = start + (long) (seconds * 1e9);
                while (CPU.getCurrentThreadCpuTime() < deadline) {
                    for (String chunk : chunks) {
                        sink += parsers.get(p).applyAsInt(chunk);
                    }
                    n++;
                }
                long took = CPU.getCurrentThreadCpuTime() - start;
                if (round >= 2) {
                    System.out.printf("round %d %-26s %8.1f MB/s %7.0f ns/chunk (sink %d)%n", round, names.get(p),
                            n * bytes / (took / 1e9) / 1e6, (double) took / (n * chunks.size()), sink % 10);
                }
            }
        }
    }
}
