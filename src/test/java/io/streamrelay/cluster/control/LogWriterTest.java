package io.streamrelay.cluster.control;

import com.hazelcast.ringbuffer.Ringbuffer;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

class LogWriterTest {

    @Test
    void aStoppedQueueDoesNotFailTheGenerationThatHandsItEvents() {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        TaskQueue tasks = new TaskQueue("grid", pool, 1);
        tasks.stop(); // what ClusterGrid's @PreDestroy does while generations still end
        pool.shutdownNow();
        @SuppressWarnings("unchecked")
        Ringbuffer<String> ring = (Ringbuffer<String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{Ringbuffer.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "capacity" -> 100L;
                    case "getName" -> "relay-log-g";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        LogWriter writer = new LogWriter(ring, tasks, 1_000_000L, last -> { });
        assertDoesNotThrow(() -> writer.accept(new StreamEvent.Ping()));
        assertDoesNotThrow(() -> writer.accept(new StreamEvent.Failure(1, ErrorCode.CANCELLED, "gone", false)));
    }
}
