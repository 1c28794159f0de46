package io.streamrelay.json.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Test-only: reports which Jackson the deployed WAR's classes resolve to (version and jar), one per line. */
@WebServlet("/test/jackson-origin")
public class JacksonOriginServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        StringBuilder out = new StringBuilder();
        line(out, "databind", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION,
                com.fasterxml.jackson.databind.ObjectMapper.class);
        line(out, "core", com.fasterxml.jackson.core.json.PackageVersion.VERSION,
                com.fasterxml.jackson.core.JsonFactory.class);
        line(out, "annotations", "-", com.fasterxml.jackson.annotation.JsonProperty.class);
        line(out, "provider", com.fasterxml.jackson.jakarta.rs.json.PackageVersion.VERSION,
                com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider.class);
        response.getWriter().write(out.toString());
    }

    private static void line(StringBuilder out, String name, Object version, Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        out.append(name).append(' ').append(version).append(' ')
                .append(source == null ? "?" : source.getLocation()).append('\n');
    }
}
