package io.streamrelay.upstream.control;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline model's tool call: when a request offers tools, it calls the first function with the user's text,
 * streamed the way OpenAI streams calls (id and name first, then the arguments in pieces), so a page or an agent
 * can be tried end to end without a model.
 */
final class DemoToolCall {

    private static final int ARGUMENT_PIECE_CHARS = 8;

    private DemoToolCall() {
    }

    /** The name of the first {@code function} tool in the request's {@code tools} text; null for none. */
    static String firstFunction(String tools) {
        if (tools == null) {
            return null;
        }
        try {
            for (JsonNode tool : RelayJson.MAPPER.readTree(tools)) {
                String name = tool.path("function").path("name").textValue();
                if ("function".equals(tool.path("type").textValue()) && name != null && !name.isBlank()) {
                    return name;
                }
            }
        } catch (IOException notAList) {
            // The upstream would refuse such tools; the offline model just answers in text.
        }
        return null;
    }

    static String preface(String tool) {
        return "The offline model calls " + tool + " to show how a tool call streams.";
    }

    /** {@code {"question":"<text>"}} as OpenAI sends it: a first fragment with id and name, then the pieces. */
    static List<UpstreamEvent> fragments(String tool, String question) {
        String arguments = "{\"question\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(question))
                + "\"}";
        List<UpstreamEvent> fragments = new ArrayList<>();
        fragments.add(new UpstreamEvent.ToolCall(0, "call_streamrelay_demo", tool, ""));
        int at = 0;
        while (at < arguments.length()) {
            int end = Math.min(arguments.length(), at + ARGUMENT_PIECE_CHARS);
            // A piece never ends between the two halves of a surrogate pair: each piece must be valid UTF-8 alone.
            if (end < arguments.length() && Character.isHighSurrogate(arguments.charAt(end - 1))) {
                end++;
            }
            fragments.add(new UpstreamEvent.ToolCall(0, null, null, arguments.substring(at, end)));
            at = end;
        }
        return fragments;
    }
}
