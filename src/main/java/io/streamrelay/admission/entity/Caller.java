package io.streamrelay.admission.entity;

/**
 * Who a request is charged to: the id of the gateway key it presented ({@code keyed}), or the client's address when
 * keys are off or when it follows a generation by its id alone. Limits are counted per caller; only a keyed caller
 * is held to the owner of a generation.
 */
public record Caller(String id, boolean keyed) {

    /** The request attribute under which the admission filter leaves the caller for the endpoints. */
    public static final String ATTRIBUTE = "io.streamrelay.caller";

    public static Caller address(String address) {
        return new Caller(address == null ? "unknown" : address, false);
    }

    public static Caller key(String id) {
        return new Caller(id, true);
    }
}
