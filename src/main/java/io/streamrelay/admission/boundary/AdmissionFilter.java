package io.streamrelay.admission.boundary;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.admission.control.AdmissionSettings;
import io.streamrelay.admission.control.GatewayKeys;
import io.streamrelay.admission.control.Limits;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.problems.boundary.Problems;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Every API request of every transport (SSE, NDJSON, OpenAI's /v1) passes here first: CORS, then the gateway key, then the per-client request
 * rate; a refusal is a problem body before any stream byte. One filter, so the order is fixed (a servlet container
 * orders annotated filters as it likes), and async-capable, or no stream behind it could start.
 */
@WebFilter(urlPatterns = {"/api/*", "/ndjson/*", "/v1/*", "/v1"}, asyncSupported = true)
public class AdmissionFilter extends HttpFilter {

    /** EventSource cannot send headers: a generation's GET streams are open to whoever knows its id. */
    private static final Pattern FOLLOW_BY_ID = Pattern.compile("/api/generations/[^/]+/events|/ndjson/generations/[^/]+");

    @Inject
    GatewayKeys keys;

    @Inject
    Limits limits;

    @Inject
    AdmissionSettings settings;

    private CorsPolicy cors;

    @Override
    public void init() {
        cors = new CorsPolicy(settings.corsOrigins());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            if (!cors.apply(request, response)) {
                return;
            }
            Caller caller = authenticate(request);
            // A monitor polls the metrics; they cost nothing and must stay readable while a client is limited.
            if (!path(request).equals("/api/metrics")) {
                limits.countRequest(caller);
            }
            request.setAttribute(Caller.ATTRIBUTE, caller);
        } catch (ProblemException refused) {
            Problems.send(response, refused);
            return;
        }
        chain.doFilter(request, response);
    }

    private Caller authenticate(HttpServletRequest request) {
        Caller byAddress = Caller.address(request.getRemoteAddr());
        if (!keys.enabled()) {
            return byAddress;
        }
        String header = request.getHeader("Authorization");
        if (header == null && request.getMethod().equals("GET") && FOLLOW_BY_ID.matcher(path(request)).matches()) {
            return byAddress;
        }
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("Bearer realm=\"streamrelay\"", "send the gateway key as Authorization: Bearer <key>");
        }
        return keys.identify(header.substring(7).strip()).map(Caller::key).orElseThrow(() ->
                unauthorized("Bearer realm=\"streamrelay\", error=\"invalid_token\"", "the gateway key is not valid"));
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    private static ProblemException unauthorized(String challenge, String detail) {
        return new ProblemException(ErrorCode.UNAUTHORIZED, detail)
                .withHeader("WWW-Authenticate", challenge);
    }
}
