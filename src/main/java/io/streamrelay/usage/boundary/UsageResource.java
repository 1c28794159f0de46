package io.streamrelay.usage.boundary;

import io.streamrelay.admission.boundary.RequestCaller;
import io.streamrelay.admission.control.GatewayKeys;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.usage.control.LedgerSettings;
import io.streamrelay.usage.control.LedgerStore;
import io.streamrelay.usage.entity.UsageGroup;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code GET /api/usage?from=&to=&key=}: the ledger's totals by key, model and UTC day over [from, to] (ISO dates,
 * inclusive, each today when absent), as JSON or, for {@code Accept: text/csv}, CSV with a header row. With gateway
 * keys on, a key sees its own usage; a key in {@code RELAY_ADMIN_KEYS} sees everyone's (or one key's, {@code key}).
 * Errors: 400 {@code invalid_range}, 403 {@code not_admin}, 503 {@code ledger_unavailable}.
 */
@Path("usage")
public class UsageResource {

    private static final Logger LOG = Logger.getLogger(UsageResource.class.getName());

    @Inject
    GatewayKeys keys;

    @Inject
    LedgerSettings settings;

    @Inject
    LedgerStore store;

    @Context
    HttpServletRequest request;

    @GET
    @Produces({"application/json", "text/csv"})
    public Response usage(@QueryParam("from") String from, @QueryParam("to") String to,
                          @QueryParam("key") String key, @HeaderParam("Accept") String accept) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate first = date(from, today);
        LocalDate last = date(to, today);
        if (first.isAfter(last)) {
            throw new ProblemException(ErrorCode.INVALID_RANGE, "from is after to");
        }
        String scope = scope(RequestCaller.of(request), key);
        List<UsageGroup> groups;
        try {
            groups = store.groups(first, last, scope);
        } catch (RuntimeException failure) {
            LOG.warning(() -> "usage ledger cannot be read (" + store.describe() + "): " + failure);
            store.reset();
            throw new ProblemException(ErrorCode.LEDGER_UNAVAILABLE, "the usage ledger cannot be read now")
                    .withHeader("Retry-After", "5");
        }
        boolean csv = accept != null && accept.contains("text/csv") && !accept.contains("application/json");
        return Response.ok(csv ? UsageText.csv(groups) : UsageText.json(first, last, groups))
                .type(csv ? "text/csv; charset=utf-8" : "application/json").header("Cache-Control", "no-store")
                .build();
    }

    /** The one key whose usage the caller may read, or null for everyone's. */
    private String scope(Caller caller, String asked) {
        String wanted = asked == null || asked.isBlank() ? null : asked.strip();
        if (!keys.enabled()) {
            return wanted; // an open relay knows no callers apart: anyone reads everything
        }
        boolean admin = caller.keyed() && settings.adminKeys().contains(caller.id());
        if (admin) {
            return wanted;
        }
        if (wanted != null && !wanted.equals(caller.id())) {
            throw new ProblemException(ErrorCode.NOT_ADMIN, "this key may read its own usage only");
        }
        return caller.id();
    }

    private static LocalDate date(String text, LocalDate absent) {
        if (text == null || text.isEmpty()) {
            return absent;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException malformed) {
            throw new ProblemException(ErrorCode.INVALID_RANGE, "from and to are ISO dates, e.g. 2026-11-30");
        }
    }
}
