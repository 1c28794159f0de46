package io.streamrelay.problems.entity;

import java.util.LinkedHashMap;
import java.util.Map;

/** Refuses a request before any stream byte; both transports turn it into the same problem body and headers. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers = new LinkedHashMap<>();

    public ProblemException(ErrorCode code, String detail) {
        super(code.code(), null, false, false);
        this.problem = Problem.of(code, detail);
    }

    public Problem problem() {
        return problem;
    }

    /** A header the refusal needs, such as {@code Retry-After} or {@code WWW-Authenticate}. */
    public ProblemException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }
}
