package io.streamrelay.problems.boundary;

import io.streamrelay.problems.entity.Problem;
import io.streamrelay.problems.entity.ProblemException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The one place a JAX-RS request that failed becomes a response: always a problem body, never a stack trace. */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        Problem problem;
        if (failure instanceof ProblemException refused) {
            problem = refused.problem();
            Response.ResponseBuilder response = Response.status(problem.status())
                    .type(Problem.MEDIA_TYPE).entity(problem).header("Cache-Control", "no-store");
            refused.headers().forEach(response::header);
            return response.build();
        } else if (failure instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            problem = Problems.forStatus(web.getResponse().getStatus());
            Response.ResponseBuilder response = Response.status(problem.status())
                    .type(Problem.MEDIA_TYPE).entity(problem);
            String allow = web.getResponse().getHeaderString("Allow");
            if (allow != null) {
                response.header("Allow", allow);
            }
            return response.build();
        } else {
            // The cause goes to the log, not to the client: internal messages can name hosts, paths and secrets.
            LOG.log(Level.WARNING, "request failed: " + failure.getClass().getName());
            problem = Problems.forStatus(500);
        }
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
