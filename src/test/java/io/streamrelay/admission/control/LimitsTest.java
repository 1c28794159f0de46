package io.streamrelay.admission.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.problems.entity.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitsTest {

    private final Caller alice = Caller.key("alice");
    private final Caller bob = Caller.key("bob");

    @Test
    void streamSlotsPerClientAndInAllComeBackOnRelease() {
        Limits limits = limits(0, 2, 3, 0);
        List<Lease> held = new ArrayList<>();
        held.add(limits.admit(alice));
        held.add(limits.admit(alice));
        ProblemException perClient = assertThrows(ProblemException.class, () -> limits.admit(alice));
        assertEquals(429, perClient.problem().status());
        assertEquals("too_many_streams", perClient.problem().code());
        assertEquals("5", perClient.headers().get("Retry-After"));
        held.add(limits.admit(bob));
        ProblemException full = assertThrows(ProblemException.class, () -> limits.admit(bob));
        assertEquals(503, full.problem().status());
        assertEquals("server_busy", full.problem().code());
        assertEquals(3, limits.streamsInUse(), "a refusal holds nothing");
        held.forEach(Lease::release);
        held.forEach(Lease::release);
        assertEquals(0, limits.streamsInUse(), "released once each, whatever the calls");
        assertEquals(0, limits.callersWithStreams());
    }

    @Test
    void requestsPerMinuteRefuseWithTheWaitForTheNextOne() {
        Limits limits = limits(30, 0, 0, 0);
        for (int i = 0; i < 30; i++) {
            limits.countRequest(alice);
        }
        ProblemException refused = assertThrows(ProblemException.class, () -> limits.countRequest(alice));
        assertEquals("rate_limited", refused.problem().code());
        assertEquals("2", refused.headers().get("Retry-After"), "60 s / 30");
        limits.countRequest(bob);
    }

    @Test
    void tokensGoIntoDebtAndRefuseUntilPaidBack() {
        Limits limits = limits(0, 0, 0, 60);
        Lease lease = limits.admit(alice);
        lease.tokens(70);
        lease.release();
        ProblemException refused = assertThrows(ProblemException.class, () -> limits.admit(alice));
        assertEquals("token_limit", refused.problem().code());
        int retryAfter = Integer.parseInt(refused.headers().get("Retry-After"));
        assertTrue(retryAfter == 11 || retryAfter == 10, "(1 + 10) tokens at 1 a second: " + retryAfter);
        assertEquals(0, limits.streamsInUse(), "the refusal gave its slot back");
    }

    private static Limits limits(int requests, int perClient, int total, int tokens) {
        AdmissionSettings settings = new AdmissionSettings();
        settings.requestsPerMinute = requests;
        settings.streamsPerClient = perClient;
        settings.streamsTotal = total;
        settings.tokensPerMinute = tokens;
        settings.keys = Optional.empty();
        settings.keysFile = Optional.empty();
        settings.corsOrigins = Optional.empty();
        Limits limits = new Limits();
        limits.settings = settings;
        return limits;
    }
}
