package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class DemoToolCallTest {

    @Test
    void theFirstFunctionToolIsCalled() {
        assertEquals("get_weather", DemoToolCall.firstFunction("[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},{\"type\":\"function\","
                + "\"function\":{\"name\":\"other\"}}]"));
        assertNull(DemoToolCall.firstFunction(null));
        assertNull(DemoToolCall.firstFunction("{\"type\":\"function\"}"));
        assertNull(DemoToolCall.firstFunction("[{\"type\":\"function\",\"function\":{}}]"));
    }

    @Test
    void theCallStreamsLikeOpenAisIdAndNameFirstThenPiecesOfValidText() {
        List<UpstreamEvent> fragments = DemoToolCall.fragments("f", "a \"quoted\" 😀😀😀 question");
        assertEquals(new UpstreamEvent.ToolCall(0, "call_streamrelay_demo", "f", ""), fragments.get(0));
        StringBuilder arguments = new StringBuilder();
        for (UpstreamEvent fragment : fragments.subList(1, fragments.size())) {
            UpstreamEvent.ToolCall call = (UpstreamEvent.ToolCall) fragment;
            assertEquals(0, call.index());
            assertNull(call.id());
            assertFalse(Character.isHighSurrogate(call.arguments().charAt(call.arguments().length() - 1)));
            arguments.append(call.arguments());
        }
        assertEquals("{\"question\":\"a \\\"quoted\\\" 😀😀😀 question\"}", arguments.toString());
    }
}
