package io.streamrelay.problems.entity;

/** Refuses a request before any stream byte; both transports turn it into the same problem body. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String code, String title, String detail) {
        super(code, null, false, false);
        this.problem = new Problem(status, code, title, detail);
    }

    public Problem problem() {
        return problem;
    }
}
