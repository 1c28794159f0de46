package io.streamrelay.json.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.LinkedHashMap;

/**
 * The members of a JSON object text, in order, each value as its exact source text: what lets the relay pass a
 * client's fields on byte for byte (a number stays {@code 1e2}, an escape stays {@code \u00e9}) instead of as a
 * re-serialised tree. A name given twice keeps its first position and its last value, as a parsed tree does.
 */
public final class JsonMembers {

    private JsonMembers() {
    }

    /**
     * @param object the text of one JSON object, already known to be valid (leading and trailing blanks allowed)
     * @return name to value text, in the object's order
     * @throws IOException when it is not one JSON object after all
     */
    public static LinkedHashMap<String, String> of(String object) throws IOException {
        LinkedHashMap<String, String> members = new LinkedHashMap<>();
        try (JsonParser parser = RelayJson.MAPPER.createParser(object)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            JsonToken token = parser.nextToken();
            while (token == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                token = parser.nextToken();
                // The next name's quote or the closing brace: the value ends before the blanks and the comma.
                int end = (int) parser.currentTokenLocation().getCharOffset();
                members.put(name, valueText(object, start, end));
            }
            if (token != JsonToken.END_OBJECT) {
                throw new IOException("not a JSON object");
            }
        }
        return members;
    }

    private static String valueText(String text, int start, int end) {
        int last = end;
        while (last > start && blankOrComma(text.charAt(last - 1))) {
            last--;
        }
        return text.substring(start, last);
    }

    /** No JSON value ends with a blank or a comma, so trimming these from the end never cuts a value. */
    private static boolean blankOrComma(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
    }
}
