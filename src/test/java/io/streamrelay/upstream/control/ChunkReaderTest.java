package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.ServerSentEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.UpstreamEvent.Counted;
import io.streamrelay.upstream.entity.UpstreamEvent.End;
import io.streamrelay.upstream.entity.UpstreamEvent.Failure;
import io.streamrelay.upstream.entity.UpstreamEvent.Finish;
import io.streamrelay.upstream.entity.UpstreamEvent.Progress;
import io.streamrelay.upstream.entity.UpstreamEvent.Reasoning;
import io.streamrelay.upstream.entity.UpstreamEvent.Text;
import io.streamrelay.upstream.entity.Usage;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkReaderTest {

    // Deliberately not sk-shaped, so only the configured-key rule can catch it.
    private static final String CONFIGURED_KEY = "vllm-local-token-4f8a2c91";

    private static final String DEEPSEEK_HEAD = "{\"id\":\"5f2b5a0e-8f64-4a6c-9d7e-3b0c1a2f9e11\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"deepseek-chat\","
            + "\"system_fingerprint\":\"fp_f1afce2943_prod0820_fp8_kvcache\",";
    private static final String REASONER_HEAD = "{\"id\":\"a1c9e0d2-6b3f-4e57-8d21-0f9b7c3e5a44\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1735689700,\"model\":\"deepseek-reasoner\","
            + "\"system_fingerprint\":\"fp_7e73fd9a08_prod0225\",";
    private static final String OPENAI_HEAD = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\",";

    private final List<UpstreamEvent> events = new ArrayList<>();
    private final ChunkReader reader = new ChunkReader(new Redaction(CONFIGURED_KEY), events::add);

    @Test
    void deepSeekRoleChunkIsProgressOnly() {
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}");
        assertEquals(List.of(new Progress()), events);
    }

    @Test
    void openAiRoleChunkWithRefusalAndNullUsageIsProgressOnly() {
        feed(OPENAI_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
        assertEquals(List.of(new Progress()), events);
    }

    @Test
    void deltaContentIsText() {
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}");
        assertEquals(List.of(new Text("Hello")), events);
    }

    @Test
    void textKeepsWhitespaceAndNonAsciiExactly() {
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" 你好,\\n😀 \\\"é\\\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}");
        assertEquals(List.of(new Text(" 你好,\n😀 \"é\"")), events);
    }

    @Test
    void deepSeekReasoningContentIsReasoning() {
        feed(REASONER_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":"
                + "\"Okay, the user\"},\"logprobs\":null,\"finish_reason\":null}]}");
        assertEquals(List.of(new Reasoning("Okay, the user")), events);
    }

    @Test
    void deepSeekReasonerRoleChunkIsProgressOnly() {
        feed(REASONER_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                + "\"reasoning_content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}");
        assertEquals(List.of(new Progress()), events);
    }

    @Test
    void ollamaReasoningIsReasoning() {
        feed("{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\",\"created\":1739400000,"
                + "\"model\":\"qwen3:8b\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"Let me think\"},"
                + "\"finish_reason\":null}]}");
        assertEquals(List.of(new Reasoning("Let me think")), events);
    }

    @Test
    void finishReasonIsFinish() {
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}]}");
        assertEquals(List.of(new Finish("stop")), events);
    }

    @Test
    void lastContentPieceAndFinishReasonInOneChunkGiveBothInOrder() {
        feed(OPENAI_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\".\"},\"logprobs\":null,"
                + "\"finish_reason\":\"length\"}],\"usage\":null}");
        assertEquals(List.of(new Text("."), new Finish("length")), events);
    }

    @Test
    void openAiUsageChunkWithEmptyChoicesIsCounted() {
        feed(OPENAI_HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,"
                + "\"total_tokens\":29,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}");
        assertEquals(List.of(new Counted(new Usage(19, 10, 29, false))), events);
    }

    @Test
    void deepSeekUsageOnTheFinishChunkGivesFinishThenCounted() {
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":9,"
                + "\"total_tokens\":20,\"prompt_tokens_details\":{\"cached_tokens\":0},"
                + "\"prompt_cache_hit_tokens\":0,\"prompt_cache_miss_tokens\":11}}");
        assertEquals(List.of(new Finish("stop"), new Counted(new Usage(11, 9, 20, false))), events);
    }

    @Test
    void ollamaCachedPromptReportsZeroPromptTokens() {
        feed("{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\",\"created\":1739400001,"
                + "\"model\":\"qwen3:8b\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":42,\"total_tokens\":42}}");
        assertEquals(List.of(new Counted(new Usage(0, 42, 42, false))), events);
    }

    @Test
    void usageWithoutTotalAddsPromptAndCompletion() {
        feed("{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5}}");
        assertEquals(List.of(new Counted(new Usage(7, 5, 12, false))), events);
    }

    @Test
    void nullUsageIsIgnored() {
        feed(OPENAI_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,"
                + "\"finish_reason\":null}],\"usage\":null}");
        assertEquals(List.of(new Text("Hi")), events);
    }

    @Test
    void llamaCppTimingsAndUnknownFieldsAreIgnored() {
        feed("{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],\"created\":1736000000,"
                + "\"id\":\"chatcmpl-Xq3v\",\"model\":\"gpt-3.5-turbo\",\"system_fingerprint\":\"b4500-2d3f1a\","
                + "\"object\":\"chat.completion.chunk\",\"usage\":{\"completion_tokens\":12,\"prompt_tokens\":8,"
                + "\"total_tokens\":20},\"timings\":{\"prompt_n\":8,\"prompt_ms\":12.3,"
                + "\"prompt_per_token_ms\":1.54,\"prompt_per_second\":650.4,\"predicted_n\":12,"
                + "\"predicted_ms\":120.5,\"predicted_per_token_ms\":10.04,\"predicted_per_second\":99.6}}");
        assertEquals(List.of(new Finish("stop"), new Counted(new Usage(8, 12, 20, false))), events);
    }

    @Test
    void emptyDeltaIsProgress() {
        feed("{\"id\":\"chatcmpl-Xq3v\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":null}]}");
        assertEquals(List.of(new Progress()), events);
    }

    @Test
    void onlyTheFirstChoiceIsRelayedWhenSeveralArrive() {
        feed("{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"},"
                + "\"finish_reason\":null},{\"index\":0,\"delta\":{\"content\":\"A\"},\"finish_reason\":null}]}");
        assertEquals(List.of(new Text("A")), events);
    }

    @Test
    void doneAfterAFinishIsEndWithMarkerAndLaterEventsAreIgnored() {
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}]}");
        events.clear();
        feed("[DONE]");
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"late\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}");
        feed("[DONE]");
        assertEquals(List.of(new End(true)), events);
        assertTrue(reader.ended());
    }

    @Test
    void readerIsNotEndedBeforeDone() {
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}");
        assertFalse(reader.ended());
    }

    @Test
    void openAiMidStreamErrorIsAServerError() {
        feed("{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_SERVER_ERROR,
                "The server had an error while processing your request. Sorry about that!", true)), events);
        assertTrue(reader.ended());
    }

    @Test
    void vllmMidStreamErrorIsUpstreamError() {
        feed("{\"object\":\"error\",\"message\":\"The decoder prompt (length 9000) is longer than the maximum "
                + "model length of 8192.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR,
                "The decoder prompt (length 9000) is longer than the maximum model length of 8192.", false)), events);
    }

    @Test
    void openRouterFinishReasonErrorIsClassifiedByItsCode() {
        feed("{\"id\":\"gen-1739400000-AbCdEfGh\",\"object\":\"chat.completion.chunk\",\"created\":1739400000,"
                + "\"model\":\"openai/gpt-4o\",\"provider\":\"OpenAI\",\"error\":{\"code\":\"server_error\","
                + "\"message\":\"Provider disconnected unexpectedly\"},\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\",\"native_finish_reason\":\"error\"}]}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_SERVER_ERROR, "Provider disconnected unexpectedly", true)),
                events);
        assertTrue(reader.ended());
    }

    @Test
    void sseEventNamedErrorIsUpstreamError() {
        reader.accept(new ServerSentEvent("error", "{\"message\":\"overloaded\"}", ""));
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR, "overloaded", false)), events);
    }

    @Test
    void errorWithoutMessageGetsAGenericOne() {
        feed("{\"error\":{\"type\":\"server_error\"}}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_SERVER_ERROR, "the upstream reported an error in the stream",
                true)), events);
    }

    @Test
    void eventsAfterAnErrorAreIgnored() {
        feed("{\"error\":{\"message\":\"boom\"}}");
        feed(DEEPSEEK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"late\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}");
        feed("[DONE]");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR, "boom", false)), events);
    }

    @Test
    void nullErrorBesideChoicesIsNotAnError() {
        feed("{\"object\":\"chat.completion.chunk\",\"error\":null,\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}]}");
        assertEquals(List.of(new Text("ok")), events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"choices\":[", "{choices:[]}", "", "data: {}", "{\"choices\":[] \"usage\":null}"})
    void malformedJsonIsBadResponse(String data) {
        feed(data);
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_BAD_RESPONSE, "upstream sent a chunk that is not valid JSON",
                false)), events);
        assertTrue(reader.ended());
    }

    @Test
    void deeplyNestedChunkIsBadResponse() {
        feed("{\"choices\":" + "[".repeat(2000) + "]".repeat(2000) + "}");
        assertEquals(1, events.size());
        assertEquals(ErrorCode.UPSTREAM_BAD_RESPONSE, ((Failure) events.get(0)).code());
        assertTrue(reader.ended());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null"})
    void jsonThatIsNotAnObjectIsBadResponse(String data) {
        feed(data);
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_BAD_RESPONSE,
                "upstream sent a chunk that is not a JSON object", false)), events);
    }

    @Test
    void configuredKeyInAnErrorMessageIsRedacted() {
        feed("{\"error\":{\"message\":\"token " + CONFIGURED_KEY + " is not allowed for model x\"}}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR, "token [redacted] is not allowed for model x", false)),
                events);
    }

    @Test
    void keyShapedStringInAnErrorMessageIsRedacted() {
        feed("{\"object\":\"error\",\"message\":\"rejected key sk-proj-Ab3dEf9hIjKlMnOp for this project\"}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR, "rejected key [redacted] for this project", false)),
                events);
    }

    @Test
    void maskedKeyInAnOpenRouterErrorIsRedacted() {
        feed("{\"object\":\"chat.completion.chunk\",\"error\":{\"code\":401,\"message\":\"bad key sk-or-v1-****abcd "
                + "(from provider)\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                + "\"finish_reason\":\"error\"}]}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR, "bad key [redacted] (from provider)", false)), events);
    }

    @Test
    void openAiInvalidKeyMessageKeepsItsPunctuationAroundTheRedaction() {
        feed("{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-****************************wxyz. "
                + "You can find your API key at https://platform.openai.com/account/api-keys.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR, "Incorrect API key provided: [redacted]. "
                + "You can find your API key at https://platform.openai.com/account/api-keys.", false)), events);
    }

    @Test
    void hyphenatedWordsThatMerelyContainSkOrRkAreNotRedacted() {
        feed("{\"object\":\"error\",\"message\":\"network-timeout while the task-queue was full\"}");
        assertEquals(List.of(new Failure(ErrorCode.UPSTREAM_ERROR, "network-timeout while the task-queue was full",
                false)), events);
    }

    @Test
    void textFromTheModelIsNotRedacted() {
        feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"an example key: sk-abcdefgh\"},"
                + "\"finish_reason\":null}]}");
        assertEquals(List.of(new Text("an example key: sk-abcdefgh")), events);
    }

    private void feed(String data) {
        reader.accept(new ServerSentEvent("message", data, ""));
    }
}
