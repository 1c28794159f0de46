package io.streamrelay.page.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Browsers fetch ES modules in CORS mode, so a portal on another origin can only {@code import} the client if
 * its files say so. They are public code without credentials; the API's own CORS policy is a separate matter.
 */
@WebFilter(urlPatterns = "/js/*", asyncSupported = true)
public class ModuleCorsFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Access-Control-Allow-Origin", "*");
        chain.doFilter(request, response);
    }
}
