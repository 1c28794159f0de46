package io.streamrelay.completions.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;

import java.io.IOException;

/** A decoded body as exactly one JSON value, or {@code invalid_json} (400); never a 5xx, whatever the input. */
final class JsonBody {

    private JsonBody() {
    }

    static JsonNode parse(String text) {
        try (JsonParser parser = new NumberLengthBound(RelayJson.MAPPER.createParser(text))) {
            if (parser.nextToken() == null) {
                throw invalid();
            }
            JsonNode value = RelayJson.MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw invalid();
            }
            return value;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // Jackson reports syntax and bounds as IOExceptions; anything else here is bad input as well.
            throw invalid();
        }
    }

    private static ProblemException invalid() {
        return new ProblemException(ErrorCode.INVALID_JSON, "the body is not one valid JSON value");
    }

    /** Counts a number literal's characters the way Parsson did (sign, dot and exponent included). */
    private static final class NumberLengthBound extends JsonParserDelegate {

        NumberLengthBound(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            if (token != null && token.isNumeric() && getTextLength() > RelayJson.MAX_NUMBER_CHARS) {
                throw new StreamConstraintsException("number literal longer than " + RelayJson.MAX_NUMBER_CHARS);
            }
            return token;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }
    }
}
