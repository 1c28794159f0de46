package io.streamrelay.admission.boundary;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The API's CORS policy: pages on the listed origins may call it (with credentials), pages on the relay's own
 * origin always may, and any other page is refused before the request does anything. Refusing, not merely
 * withholding the CORS headers, matters: a simple cross-origin GET would otherwise still start a paid generation
 * that the foreign page just cannot read.
 */
final class CorsPolicy {

    static final String ALLOW_METHODS = "GET, POST, DELETE, OPTIONS";
    static final String ALLOW_HEADERS = "Authorization, Content-Type, Last-Event-ID, Accept";
    static final String EXPOSE_HEADERS = "Retry-After, Location, WWW-Authenticate, X-Generation-Id";

    private final List<String> origins;
    private final boolean anyOrigin;

    CorsPolicy(List<String> origins) {
        this.origins = origins.stream().filter(o -> !o.equals("*")).map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.anyOrigin = origins.contains("*");
    }

    /** Applies the policy; false when the request was a preflight and has been answered. */
    boolean apply(HttpServletRequest request, HttpServletResponse response) {
        // Caches must not hand one origin's answer to another.
        response.addHeader("Vary", "Origin");
        String origin = request.getHeader("Origin");
        if (origin == null) {
            // Not a browser's cross-origin call: curl, a server, or a same-origin GET.
            return true;
        }
        boolean listed = origins.contains(origin.toLowerCase(Locale.ROOT));
        if (!listed && !anyOrigin) {
            if (sameOrigin(request, origin)) {
                return true;
            }
            throw new ProblemException(ErrorCode.ORIGIN_NOT_ALLOWED, "pages on this origin may not call the relay (relay.cors.origins)");
        }
        response.setHeader("Access-Control-Allow-Origin", origin);
        if (listed) {
            // Credentials only for origins named one by one, never for the wildcard.
            response.setHeader("Access-Control-Allow-Credentials", "true");
        }
        if (request.getMethod().equals("OPTIONS") && request.getHeader("Access-Control-Request-Method") != null) {
            response.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
            response.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
            response.setHeader("Access-Control-Max-Age", "600");
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return false;
        }
        response.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        return true;
    }

    /**
     * The page was served by this relay: the Origin names the host the request was sent to. A port is compared when
     * the Host header names one; otherwise the origin must use its scheme's default port (a TLS proxy in front).
     */
    static boolean sameOrigin(HttpServletRequest request, String origin) {
        String host = request.getHeader("Host");
        if (host == null) {
            return false;
        }
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        int defaultPort = uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String hostName = host;
        int hostPort = -1;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            hostName = host.substring(0, colon);
            try {
                hostPort = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException malformed) {
                return false;
            }
        }
        return hostName.equalsIgnoreCase(uri.getHost()) && (hostPort < 0 ? originPort == defaultPort
                : hostPort == originPort);
    }
}
