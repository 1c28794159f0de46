package io.streamrelay.problems.boundary;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;

/**
 * Refuses, with a problem body, the malformed requests Payara's HTTP layer lets through to the application: an
 * HTTP/0.9 request line, a raw control, DEL or non-ASCII byte in the target, a broken percent-escape or invalid
 * UTF-8 in the query, two {@code Host} headers (RFC 9112 section 3.2), a header name that is not a token (RFC 9110
 * section 5.1), and a body on a method that has none here. Grizzly parses leniently and would otherwise hand them
 * on as if they were clean, so a garbage request got a 200. Declared first in WEB-INF/web.xml, for every path.
 * What Grizzly answers itself, before any filter, is listed in docs/errors.md.
 */
public class MalformedRequestFilter extends HttpFilter {

    /** GET, HEAD and DELETE carry no content here (RFC 9110 section 9.3); OPTIONS and TRACE neither. */
    private static final Set<String> BODILESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ProblemException refusal = refusal(request);
        if (refusal != null) {
            Problems.send(response, refusal);
            return;
        }
        chain.doFilter(request, response);
    }

    static ProblemException refusal(HttpServletRequest request) {
        if (!request.getProtocol().startsWith("HTTP/1.") && !request.getProtocol().startsWith("HTTP/2")) {
            return new ProblemException(ErrorCode.BAD_REQUEST, "the request line names no HTTP version");
        }
        String query = request.getQueryString();
        if (!visibleAscii(request.getRequestURI()) || (query != null && !visibleAscii(query))) {
            return new ProblemException(ErrorCode.BAD_REQUEST,
                    "the request target holds a byte that must be percent-encoded");
        }
        if (query != null && !percentEncodedUtf8(query)) {
            return new ProblemException(ErrorCode.INVALID_QUERY,
                    "the query string has a broken percent-escape, an encoded NUL, or is not UTF-8");
        }
        if (Collections.list(request.getHeaders("Host")).size() > 1) {
            return new ProblemException(ErrorCode.BAD_REQUEST, "more than one Host header");
        }
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!token(name)) {
                return new ProblemException(ErrorCode.BAD_REQUEST, "a header name that is not a token");
            }
        }
        if (BODILESS.contains(request.getMethod())
                && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)) {
            return new ProblemException(ErrorCode.UNEXPECTED_BODY, request.getMethod() + " takes no body");
        }
        return null;
    }

    private static boolean visibleAscii(String text) {
        return text.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** RFC 9110 tchar. */
    private static boolean token(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c < 0x7f && (Character.isLetterOrDigit(c)
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0));
    }

    /** Also false for an encoded NUL, which no parameter of the relay can mean. */
    private static boolean percentEncodedUtf8(String query) {
        ByteBuffer bytes = ByteBuffer.allocate(query.length());
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c != '%') {
                bytes.put((byte) c);
                continue;
            }
            int high = i + 2 < query.length() ? Character.digit(query.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(query.charAt(i + 2), 16);
            if (low < 0) {
                return false;
            }
            if (high == 0 && low == 0) {
                return false;
            }
            bytes.put((byte) (high << 4 | low));
            i += 2;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(bytes.flip());
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
