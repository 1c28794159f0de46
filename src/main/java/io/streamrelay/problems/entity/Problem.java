package io.streamrelay.problems.entity;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;

import java.io.StringWriter;

/**
 * An RFC 9457 problem. {@code code} is the same stable slug a stream's {@code error} event carries, so a client
 * handles a refusal before the stream and a failure inside it with one table.
 */
public record Problem(int status, String code, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail) {
        return new Problem(code.status(), code.code(), code.title(), detail);
    }

    public String type() {
        return "urn:streamrelay:problem:" + code;
    }

    public String json() {
        StringWriter out = new StringWriter(160);
        try (JsonGenerator json = Json.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", type())
                    .write("title", title)
                    .write("status", status)
                    .write("code", code);
            if (detail != null) {
                json.write("detail", detail);
            }
            json.writeEnd();
        }
        return out.toString();
    }
}
