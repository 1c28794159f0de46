package io.streamrelay.problems.boundary;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The error page for refusals the container makes itself (a Content-Type Jersey cannot parse, a static file that
 * is not there, an encoded slash): the same problem body as every other refusal instead of the container's HTML
 * page. Mapped in WEB-INF/web.xml.
 */
@WebServlet(urlPatterns = "/error/problem", asyncSupported = true)
public class ContainerErrorServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Problems.send(response, Problems.forStatus(status instanceof Integer code ? code : 404));
    }
}
