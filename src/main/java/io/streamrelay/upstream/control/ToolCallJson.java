package io.streamrelay.upstream.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The parts of a chunk ChunkJson reads only when they are there: tool-call fragments, and values kept as text. */
final class ToolCallJson {

    private ToolCallJson() {
    }

    /**
     * {@code delta.tool_calls}: each fragment's index (-1 when the upstream sent none: ChunkReader decides), id,
     * function name and arguments piece, as sent; {@code type} is always "function" and not kept.
     */
    static List<UpstreamEvent.ToolCall> read(JsonParser json, String source, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            json.skipChildren();
            return null;
        }
        List<UpstreamEvent.ToolCall> calls = new ArrayList<>(2);
        for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
            if (element != JsonToken.START_OBJECT) {
                json.skipChildren();
                continue;
            }
            int index = -1;
            String id = null;
            String name = null;
            String arguments = null;
            for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
                JsonToken member = json.nextToken();
                if (field.equals("index") && member == JsonToken.VALUE_NUMBER_INT) {
                    index = json.getIntValue();
                } else if (field.equals("id")) {
                    id = string(json, member);
                } else if (field.equals("function") && member == JsonToken.START_OBJECT) {
                    for (String part = json.nextFieldName(); part != null; part = json.nextFieldName()) {
                        JsonToken piece = json.nextToken();
                        if (part.equals("name")) {
                            name = string(json, piece);
                        } else if (part.equals("arguments")) {
                            // A server that sends the arguments as an object (not OpenAI's string) keeps its text.
                            arguments = piece == JsonToken.VALUE_STRING ? json.getText()
                                    : piece.isStructStart() ? raw(json, source, piece) : string(json, piece);
                        } else {
                            json.skipChildren();
                        }
                    }
                } else {
                    json.skipChildren();
                }
            }
            calls.add(new UpstreamEvent.ToolCall(index, id, name, arguments));
        }
        return calls;
    }

    /**
     * The current value's exact text, on one line: a raw line feed can only be a blank between tokens (a JSON
     * string cannot hold one), so turning it into a space changes nothing and keeps SSE and NDJSON lines whole.
     */
    static String raw(JsonParser json, String source, JsonToken value) throws IOException {
        int start = (int) json.currentTokenLocation().getCharOffset();
        if (value.isStructStart()) {
            json.skipChildren();
        } else {
            json.finishToken();
        }
        int end = (int) json.currentLocation().getCharOffset();
        String text = source.substring(start, end);
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replace('\n', ' ').replace('\r', ' ');
    }

    private static String string(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return json.getText();
        }
        json.skipChildren();
        return null;
    }
}
