package io.streamrelay.upstream.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkScannerTest {

    @Test
    void everyStringEscapeIsDecoded() {
        ChunkScanner.Chunk chunk = ChunkScanner.read("{\"choices\":[{\"delta\":{\"content\":"
                + "\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\ud83d\\ude00\"}}]}");
        assertEquals("a\"b\\c/d\be\ff\ng\rh\ti\u00e9\ud83d\ude00", chunk.content());
    }

    @Test
    void unknownMembersOfEveryKindAreSkipped() {
        ChunkScanner.Chunk chunk = ChunkScanner.read(" {\"timings\":{\"a\":[1,2.5e-3,-0.0,true,false,null,"
                + "{\"x\":[[]]}]},\"choices\":[{\"logprobs\":null,\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":"
                + "\"c\"}],\"content\":\"ok\"},\"finish_reason\":null}],\"usage\":null} \n");
        assertEquals("ok", chunk.content());
        assertNull(chunk.finishReason());
        assertFalse(chunk.hasUsage());
    }

    @Test
    void onlyChoiceZeroCountsWhateverItsPosition() {
        ChunkScanner.Chunk chunk = ChunkScanner.read("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other\"}},"
                + "{\"index\":0,\"delta\":{\"content\":\"mine\"},\"finish_reason\":\"stop\"}]}");
        assertEquals("mine", chunk.content());
        assertEquals("stop", chunk.finishReason());
    }

    @Test
    void usageWithoutTotalAddsItUp() {
        ChunkScanner.Chunk chunk = ChunkScanner.read("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":4}}");
        assertTrue(chunk.hasChoices());
        assertEquals(7, chunk.totalTokens());
    }

    @Test
    void reasoningContentWinsOverOllamaReasoning() {
        assertEquals("r", ChunkScanner.read("{\"choices\":[{\"delta\":{\"reasoning\":\"o\",\"reasoning_content\":"
                + "\"r\"}}]}").reasoning());
        assertEquals("o", ChunkScanner.read("{\"choices\":[{\"delta\":{\"reasoning\":\"o\"}}]}").reasoning());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}x", "{\"a\":01}", "{\"a\":1.}", "{\"a\":\"x\ny\"}", "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12\"}", "{\"a\":tru}", "{\"a\" 1}", "{\"a\":1,}", "{'a':1}", "{\"a\":[1 2]}", "{\"a\":\"x"})
    void malformedJsonIsRefused(String json) {
        assertThrows(IllegalArgumentException.class, () -> ChunkScanner.read(json));
    }

    @Test
    void nestingBeyondTheBoundIsRefusedWithoutOverflowingTheStack() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(IllegalArgumentException.class, () -> ChunkScanner.read(deep));
    }

    @Test
    void aValidValueThatIsNotAnObjectIsToldApart() {
        assertThrows(ChunkScanner.NotAnObject.class, () -> ChunkScanner.read(" [1,{\"a\":2}] "));
    }
}
