package io.streamrelay.admission.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.problems.entity.ProblemException;
import org.junit.jupiter.api.Test;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.util.TypeLiteral;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Iterator;
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

    @Test
    void aGridFailureAfterTheClientSlotGivesEverythingBack() {
        GridSlots grid = new GridSlots();
        grid.failOn = "";
        Limits limits = limits(0, 2, 3, 0);
        limits.cluster = grid.instance();
        assertThrows(IllegalStateException.class, () -> limits.admit(alice));
        assertEquals(0, limits.streamsInUse(), "the relay-wide count went back down");
        assertEquals(0, limits.callersWithStreams(), "the client's count went back down");
        assertEquals(List.of("take key:alice", "take ", "give key:alice"), grid.calls,
                "the grid's client slot was given back");
        grid.failOn = null;
        limits.admit(alice).release();
        assertEquals(0, limits.streamsInUse());
    }

    @Test
    void aSlotTheGridCouldNotCountIsNeverGivenBack() {
        GridSlots grid = new GridSlots();
        grid.answer = SharedSlots.Taken.UNCOUNTED;
        Limits limits = limits(0, 2, 3, 0);
        limits.cluster = grid.instance();
        Lease lease = limits.admit(alice);
        lease.release();
        assertEquals(List.of("take key:alice", "take "), grid.calls, "no give for a slot not counted");
        grid.calls.clear();
        grid.answer = SharedSlots.Taken.COUNTED;
        limits.admit(alice).release();
        assertEquals(List.of("take key:alice", "take ", "give key:alice", "give "), grid.calls);
    }

    @Test
    void aFullGridRefusesAndGivesBackTheClientSlot() {
        GridSlots grid = new GridSlots();
        grid.fullOn = "";
        Limits limits = limits(0, 2, 3, 0);
        limits.cluster = grid.instance();
        ProblemException busy = assertThrows(ProblemException.class, () -> limits.admit(alice));
        assertEquals("server_busy", busy.problem().code());
        assertEquals(List.of("take key:alice", "take ", "give key:alice"), grid.calls);
        assertEquals(0, limits.streamsInUse());
        assertEquals(0, limits.callersWithStreams());
    }

    /** A grid's slot counts in memory, failing or refusing on one key when told to. */
    private static final class GridSlots implements SharedSlots {
        final List<String> calls = new ArrayList<>();
        String failOn;
        String fullOn;
        Taken answer = Taken.COUNTED;

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public Taken take(String key, int limit) {
            calls.add("take " + key);
            if (key.equals(failOn)) {
                throw new IllegalStateException("grid down");
            }
            return key.equals(fullOn) ? Taken.FULL : answer;
        }

        @Override
        public void give(String key) {
            calls.add("give " + key);
        }

        Instance<SharedSlots> instance() {
            SharedSlots self = this;
            return new Instance<>() {
                @Override
                public SharedSlots get() {
                    return self;
                }

                @Override
                public boolean isUnsatisfied() {
                    return false;
                }

                @Override
                public boolean isAmbiguous() {
                    return false;
                }

                @Override
                public Instance<SharedSlots> select(Annotation... qualifiers) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public <U extends SharedSlots> Instance<U> select(Class<U> subtype, Annotation... qualifiers) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public <U extends SharedSlots> Instance<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void destroy(SharedSlots instance) {
                }

                @Override
                public Handle<SharedSlots> getHandle() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Iterable<? extends Handle<SharedSlots>> handles() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Iterator<SharedSlots> iterator() {
                    return List.of(self).iterator();
                }
            };
        }
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
