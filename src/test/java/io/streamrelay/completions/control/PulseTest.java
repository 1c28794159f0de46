package io.streamrelay.completions.control;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat schedule as a pure function: pings on quiet streams, probes after them, nothing on busy ones. */
class PulseTest {

    private static final long INTERVAL = 100;
    private static final long GAP = 10;

    @Test
    void aQuietFollowerGetsAPingEachIntervalEachFollowedByItsProbes() {
        assertEquals(List.of(100L, 110L, 120L, 220L, 230L, 240L, 340L, 350L, 360L), pings(new TreeSet<>(), 2, 400));
    }

    @Test
    void withoutProbesOnlyTheHeartbeat() {
        assertEquals(List.of(100L, 200L, 300L), pings(new TreeSet<>(), 0, 350));
    }

    @Test
    void aRealEventCancelsThePendingProbes() {
        TreeSet<Long> offers = new TreeSet<>(List.of(105L));
        // Ping at 100, the event at 105 probes the line just as well: no probes at 110 and 120; quiet again at 205.
        assertEquals(List.of(100L, 205L, 215L, 225L), pings(offers, 2, 300));
    }

    @Test
    void aBusyFollowerIsNeverPinged() {
        TreeSet<Long> offers = new TreeSet<>();
        for (long t = 0; t < 1000; t += 99) {
            offers.add(t);
        }
        assertEquals(List.of(), pings(offers, 2, 1000));
    }

    /** Whatever the events, no follower goes longer than an interval (plus the 1-unit tick) without a write. */
    @Test
    void noSilenceLongerThanAnIntervalForAnyScheduleOfEvents() {
        Random random = new Random(42);
        for (int run = 0; run < 2000; run++) {
            TreeSet<Long> offers = new TreeSet<>();
            int count = random.nextInt(20);
            for (int i = 0; i < count; i++) {
                offers.add((long) random.nextInt(2000));
            }
            int probes = random.nextInt(4);
            List<Long> writes = new ArrayList<>(pings(offers, probes, 2000));
            writes.addAll(offers);
            writes.add(0L);
            writes.sort(null);
            for (int i = 1; i < writes.size(); i++) {
                assertTrue(writes.get(i) - writes.get(i - 1) <= INTERVAL, "offers " + offers + " writes " + writes);
            }
            assertTrue(2000 - writes.get(writes.size() - 1) <= INTERVAL, "the tail is not silent either");
        }
    }

    /**
     * Drives one follower like the ticker: a tick at every wake time it asks for and at every event (the ticker
     * wakes for other reasons too, which must not change the result); returns the ping times.
     */
    private static List<Long> pings(TreeSet<Long> offers, int probes, long until) {
        Pulse pulse = Pulse.QUIET;
        long lastOffer = 0;
        long now = 0;
        List<Long> pings = new ArrayList<>();
        while (now <= until) {
            Pulse.Step step = pulse.at(now, lastOffer, INTERVAL, probes, GAP);
            pulse = step.next();
            if (step.ping()) {
                pings.add(now);
                lastOffer = now;
            }
            Long event = offers.higher(now);
            long next = event != null ? Math.min(step.wakeAt(), event) : step.wakeAt();
            assertTrue(next > now, "the schedule moves on");
            if (event != null && event == next) {
                lastOffer = event;
            }
            now = next;
        }
        return pings;
    }
}
