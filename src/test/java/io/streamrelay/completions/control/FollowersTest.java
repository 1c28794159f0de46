package io.streamrelay.completions.control;

import io.streamrelay.scheduling.control.TaskQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The follower set and its grace period when nobody follows. */
class FollowersTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final TaskQueue timers = new TaskQueue("test", pool, 1);
    private final CountDownLatch graceOver = new CountDownLatch(1);

    @AfterEach
    void stop() {
        timers.stop();
        pool.shutdownNow();
    }

    @Test
    void theLastOneLeavingIsToldAndTheGraceRunsOut() throws Exception {
        Followers followers = new Followers(100, timers, graceOver::countDown, Runnable::run, 8);
        Follower a = followers.create(new GenerationTest.RecordingSink(), false, f -> { });
        Follower b = followers.create(new GenerationTest.RecordingSink(), false, f -> { });
        followers.add(a);
        followers.add(b);
        assertFalse(followers.remove(a));
        assertTrue(followers.remove(b), "the last one");
        assertFalse(followers.remove(b), "only once");
        assertTrue(followers.startGrace());
        assertTrue(graceOver.await(2, TimeUnit.SECONDS));
    }

    @Test
    void aFollowerArrivingStopsTheGrace() throws Exception {
        Followers followers = new Followers(150, timers, graceOver::countDown, Runnable::run, 8);
        assertTrue(followers.startGrace());
        followers.add(followers.create(new GenerationTest.RecordingSink(), false, f -> { }));
        assertFalse(graceOver.await(400, TimeUnit.MILLISECONDS), "the grace task was cancelled");
    }

    @Test
    void takeAllEmptiesTheSetAndStopsTheGrace() throws Exception {
        Followers followers = new Followers(150, timers, graceOver::countDown, Runnable::run, 8);
        followers.add(followers.create(new GenerationTest.RecordingSink(), false, f -> { }));
        followers.startGrace();
        assertEquals(1, followers.takeAll().size());
        assertTrue(followers.isEmpty());
        assertFalse(graceOver.await(400, TimeUnit.MILLISECONDS));
    }

    @Test
    void aGraceOfZeroMeansEndNow() {
        assertFalse(new Followers(0, timers, graceOver::countDown, Runnable::run, 8).startGrace());
    }
}
