package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunk mapping on jackson-core: strict JSON, only what the relay uses, every shape of error. */
class ChunkJsonTest {

    @Test
    void everyStringEscapeIsDecoded() throws IOException {
        Chunk chunk = ChunkJson.read("{\"choices\":[{\"delta\":{\"content\":"
                + "\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\ud83d\\ude00\"}}]}");
        assertEquals("a\"b\\c/d\be\ff\ng\rh\ti\u00e9\ud83d\ude00", chunk.content());
    }

    @Test
    void unknownMembersOfEveryKindAreSkipped() throws IOException {
        Chunk chunk = ChunkJson.read(" {\"timings\":{\"a\":[1,2.5e-3,-0.0,true,false,null,"
                + "{\"x\":[[]]}]},\"choices\":[{\"logprobs\":null,\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":"
                + "\"c\"}],\"content\":\"ok\"},\"finish_reason\":null}],\"usage\":null} \n");
        assertEquals("ok", chunk.content());
        assertNull(chunk.finishReason());
        assertNull(chunk.usage());
        assertNull(chunk.error());
    }

    @Test
    void onlyChoiceZeroCountsWhateverItsPosition() throws IOException {
        Chunk chunk = ChunkJson.read("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}},"
                + "{\"index\":0,\"delta\":{\"content\":\"mine\"},\"finish_reason\":\"stop\"}]}");
        assertEquals("mine", chunk.content());
        assertEquals("stop", chunk.finishReason());
    }

    @Test
    void usageWithoutTotalAddsItUp() throws IOException {
        Chunk chunk = ChunkJson.read("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}");
        assertTrue(chunk.hasChoices());
        assertEquals(7, chunk.usage().totalTokens());
    }

    @Test
    void usageDetailsGiveReasoningAndCachedTokensInOpenAiAndDeepSeekSpelling() throws IOException {
        Usage openAi = ChunkJson.read("{\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":20,"
                + "\"total_tokens\":50,\"prompt_tokens_details\":{\"cached_tokens\":12,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":8,\"accepted_prediction_tokens\":[1]}}}").usage();
        assertEquals(new Usage(30, 20, 50, false, 8, 12), openAi);
        Usage deepSeek = ChunkJson.read("{\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":20,"
                + "\"total_tokens\":50,\"prompt_cache_hit_tokens\":24,\"prompt_cache_miss_tokens\":6,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":15}}}").usage();
        assertEquals(new Usage(30, 20, 50, false, 15, 24), deepSeek);
    }

    @Test
    void reasoningContentWinsOverOllamaReasoning() throws IOException {
        assertEquals("r", ChunkJson.read("{\"choices\":[{\"delta\":{\"reasoning\":\"o\",\"reasoning_content\":"
                + "\"r\"}}]}").reasoning());
        assertEquals("o", ChunkJson.read("{\"choices\":[{\"delta\":{\"reasoning\":\"o\"}}]}").reasoning());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}x", "{\"a\":01}", "{\"a\":1.}", "{\"a\":\"x\ny\"}", "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12\"}", "{\"a\":tru}", "{\"a\" 1}", "{\"a\":1,}", "{'a':1}", "{\"a\":[1 2]}", "{\"a\":\"x",
            "{\"a\":1}{\"b\":2}", "{\"a\":1} // comment", "{\"a\":NaN}", ""})
    void malformedJsonIsRefused(String json) {
        IOException refused = assertThrows(IOException.class, () -> ChunkJson.read(json));
        assertTrue(!(refused instanceof ChunkJson.NotAnObject), json);
    }

    @Test
    void nestingBeyondTheBoundIsRefusedWithoutOverflowingTheStack() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(IOException.class, () -> ChunkJson.read(deep));
    }

    @Test
    void aValidValueThatIsNotAnObjectIsToldApart() {
        assertThrows(ChunkJson.NotAnObject.class, () -> ChunkJson.read(" [1,{\"a\":2}] "));
    }

    @Test
    void anErrorObjectKeepsItsWordsAsText() throws IOException {
        InBandError error = ChunkJson.read("{\"error\":{\"message\":\"m\",\"type\":\"server_error\",\"code\":502,"
                + "\"param\":null}}").error();
        assertEquals(new InBandError("m", "server_error", "502", -1), error);
    }

    @Test
    void googleRetryInfoIsTheErrorsRetryDelay() throws IOException {
        InBandError error = ChunkJson.read("{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted\","
                + "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\","
                + "\"violations\":[]},{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"7s\"}]}}")
                .error();
        assertEquals(7000, error.retryAfterMs());
        assertEquals(1500, ChunkJson.read("{\"error\":{\"details\":[{\"retryDelay\":\"1.5s\"}]}}").error()
                .retryAfterMs());
        assertEquals(-1, ChunkJson.read("{\"error\":{\"details\":[{\"retryDelay\":\"soon\"}]}}").error()
                .retryAfterMs());
    }

    @Test
    void vllmErrorIsTheChunksErrorAndTopLevelWordsAloneAreNot() throws IOException {
        assertEquals(new InBandError("boom", "InternalServerError", "500", -1), ChunkJson.read(
                "{\"object\":\"error\",\"message\":\"boom\",\"type\":\"InternalServerError\",\"code\":500}").error());
        Chunk plain = ChunkJson.read("{\"message\":\"hello\",\"choices\":[]}");
        assertNull(plain.error());
        assertEquals("hello", plain.topLevel().message());
    }

    @Test
    void anErrorBodyIsItsErrorObjectOrItsTopLevelMessage() throws IOException {
        assertEquals("quota", ChunkJson.errorBody("{\"error\":{\"message\":\"quota\",\"code\":\"insufficient_quota\"}}")
                .message());
        assertEquals("plain", ChunkJson.errorBody("{\"message\":\"plain\"}").message());
        assertEquals("bare", ChunkJson.errorBody("{\"error\":\"bare\"}").message());
        assertNull(ChunkJson.errorBody("{\"ok\":true}"));
        assertThrows(IOException.class, () -> ChunkJson.errorBody("<html>Bad Gateway</html>"));
    }
}
