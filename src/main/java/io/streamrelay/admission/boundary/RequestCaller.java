package io.streamrelay.admission.boundary;

import io.streamrelay.admission.entity.Caller;
import jakarta.servlet.http.HttpServletRequest;

/** The caller the admission filter identified for a request. */
public final class RequestCaller {

    private RequestCaller() {
    }

    public static Caller of(HttpServletRequest request) {
        // The filter covers every API path; the address is only a fallback for a path it was not mapped to.
        return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller ? caller
                : Caller.address(request.getRemoteAddr());
    }
}
