package io.streamrelay.openai.boundary;

import io.streamrelay.json.control.RelayJson;
import io.streamrelay.problems.entity.Problem;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A response that passes everything through until someone declares a problem body ({@code
 * application/problem+json}); from then on it keeps the body for {@link OpenAiErrorFilter} to re-render.
 */
final class ProblemCapture extends HttpServletResponseWrapper {

    private ByteArrayOutputStream captured;

    ProblemCapture(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void setContentType(String type) {
        if (type != null && type.startsWith(Problem.MEDIA_TYPE)) {
            captured = new ByteArrayOutputStream(256);
            return;
        }
        super.setContentType(type);
    }

    @Override
    public void setContentLength(int length) {
        if (captured == null) {
            super.setContentLength(length);
        }
    }

    @Override
    public void setContentLengthLong(long length) {
        if (captured == null) {
            super.setContentLengthLong(length);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (captured == null) {
            return super.getOutputStream();
        }
        ByteArrayOutputStream into = captured;
        return new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new IllegalStateException("a problem body is written at once");
            }

            @Override
            public void write(int b) {
                into.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                into.write(b, off, len);
            }
        };
    }

    /** The problem that was written, or null. */
    Problem problem() {
        if (captured == null) {
            return null;
        }
        try {
            var node = RelayJson.MAPPER.readTree(captured.toByteArray());
            return new Problem(node.path("status").asInt(getStatus()), node.path("code").asText(null),
                    node.path("title").asText(null), node.path("detail").asText(null));
        } catch (IOException unreadable) {
            return new Problem(getStatus(), null, "Error", null);
        }
    }
}
