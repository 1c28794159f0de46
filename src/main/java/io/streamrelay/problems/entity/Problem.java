package io.streamrelay.problems.entity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamrelay.json.control.RelayJson;

/**
 * An RFC 9457 problem. {@code code} is the same stable slug a stream's {@code error} event carries, so a client
 * handles a refusal before the stream and a failure inside it with one table. JSON:
 * {@code {"type","title","status","code"[,"detail"]}}, {@code detail} left out when null.
 */
@JsonPropertyOrder({"type", "title", "status", "code", "detail"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(int status, String code, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail) {
        return new Problem(code.status(), code.code(), code.title(), detail);
    }

    @JsonProperty("type")
    public String type() {
        return "urn:streamrelay:problem:" + code;
    }

    /** The body the servlet sends; JAX-RS writes the record itself through the registered provider. */
    public String json() {
        try {
            return RelayJson.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem is always writable", e);
        }
    }
}
