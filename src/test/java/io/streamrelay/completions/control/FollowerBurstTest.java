package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client whose transport takes every byte is never cut as too slow, however fast the upstream bursts and however
 * late the writers' queue runs: a non-blocking transport is drained by the thread that offered. When its drains
 * went to the writers' queue instead (fb946de, taken back), a burst outran that hand-off and a client that kept up
 * was cut at its bound (GenerationsIT.answerOutgrowingTheReplayLogEndsWithTooLarge, 1 of 4 CI runs).
 */
class FollowerBurstTest {

    @Test
    void aBurstFarPastTheBoundReachesAClientThatKeepsUpWhileTheWritersNeverRun() {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        List<Runnable> writersNeverRun = new ArrayList<>();
        Follower follower = new Follower(sink, writersNeverRun::add, 8, f -> { }, e -> { });
        for (int seq = 1; seq <= 100; seq++) {
            assertTrue(follower.offer(new StreamEvent.Token(seq, "t" + seq)), "token " + seq + " was refused");
            follower.signal();
        }
        assertEquals(100, sink.events.size(), "every token written");
        assertTrue(writersNeverRun.isEmpty(), "nothing waited for the writers' queue");
    }
}
