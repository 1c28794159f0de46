package io.streamrelay.cluster.control;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import io.streamrelay.completions.control.SharedGenerations;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

class GridGenerationsTest {

    @Test
    void aGridThatFailsLeavesTheGenerationUnsharedInsteadOfFailingIt() {
        GridGenerations generations = new GridGenerations();
        generations.cluster = new FailingGrid();
        Consumer<StreamEvent> mirror = assertDoesNotThrow(() -> generations.produce(
                new SharedGenerations.Published("g1", "alice", true, 1_000, 60_000), () -> {
                }));
        assertDoesNotThrow(() -> mirror.accept(new StreamEvent.Failure(0, ErrorCode.CANCELLED, "gone", false)));
    }

    /** A grid every call of which fails, as when a member was lost and calls time out. */
    static final class FailingGrid extends ClusterGrid {
        @Override
        HazelcastInstance grid() {
            return (HazelcastInstance) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{HazelcastInstance.class}, (proxy, method, args) -> {
                        throw new HazelcastException("grid down: " + method.getName());
                    });
        }

        @Override
        String self() {
            return "member-a";
        }
    }
}
