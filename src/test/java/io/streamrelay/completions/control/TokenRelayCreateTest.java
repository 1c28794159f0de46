package io.streamrelay.completions.control;

import io.streamrelay.admission.control.Limits;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.Spending;
import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A generation whose creation fails after its budget's meter was opened (here the cluster's publish throws) gives
 * back everything: its meter is closed or settled by its reported end, its slot released once, and it is not left
 * among the running generations (which a drain would wait for).
 */
class TokenRelayCreateTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final TaskQueue timers = new TaskQueue("timers", pool, 1);

    @AfterEach
    void stop() {
        timers.stop();
        pool.shutdownNow();
    }

    @Test
    void aFailedPublishLeavesNoMeterNoSlotAndNoRunningGeneration() throws Exception {
        AtomicInteger released = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        List<RelayEvent> reported = new ArrayList<>();
        TokenRelay relay = new TokenRelay();
        relay.upstream = new Upstream() {
            @Override
            public String modelFor(ChatRequest request) {
                return "m";
            }

            @Override
            public UpstreamCall open(ChatRequest request, Consumer<UpstreamEvent> events) {
                opened.incrementAndGet();
                return () -> { };
            }
        };
        relay.settings = settings();
        relay.threads = new RelayThreads() {
            @Override
            public TaskQueue timers() {
                return timers;
            }

            @Override
            public TaskQueue writers() {
                return timers;
            }
        };
        relay.store = new InMemoryGenerationStore();
        relay.limits = new Limits() {
            @Override
            public Lease admit(Caller caller) {
                return new Lease() {
                    @Override
                    public void tokens(int count) {
                    }

                    @Override
                    public void release() {
                        released.incrementAndGet();
                    }
                };
            }
        };
        relay.events = new Recorded(reported);
        relay.intake = new Intake();
        relay.cluster = new OtherInstances() {
            @Override
            void publish(Generation generation, Caller caller) {
                throw new IllegalStateException("the grid is gone");
            }
        };
        java.lang.reflect.Field spending = TokenRelay.class.getDeclaredField("spending");
        spending.setAccessible(true);
        spending.set(relay, (Spending) (generation, caller, model, stop) -> new Spending.Meter() {
            @Override
            public void output(int pieces) {
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        });
        ChatRequest request = new ChatRequest(List.of(new ChatMessage("user", "hi")), null, null, null);
        assertThrows(IllegalStateException.class, () -> relay.start(request, Caller.key("alice")));
        assertEquals(1, closed.get(), "the meter is closed: its key's budget no longer holds it");
        assertEquals(1, released.get(), "the slot is back, once");
        assertEquals(0, relay.runningGenerations());
        assertEquals(0, opened.get(), "no upstream call");
    }

    private static RelaySettings settings() {
        RelaySettings settings = new RelaySettings();
        settings.heartbeatMs = 60_000;
        settings.heartbeatProbes = 0;
        settings.firstTokenTimeoutMs = 60_000;
        settings.idleTimeoutMs = 60_000;
        settings.maxDurationMs = 60_000;
        settings.bufferEvents = 100;
        settings.graceMs = 30_000;
        settings.retentionMs = 60_000;
        settings.maxEvents = 1000;
        settings.maxBytes = 1 << 20;
        return settings;
    }

    /** The observers' side of CDI's Event, recording what is fired. */
    private record Recorded(List<RelayEvent> fired) implements Event<RelayEvent> {
        @Override
        public void fire(RelayEvent event) {
            fired.add(event);
        }

        @Override
        public <U extends RelayEvent> CompletionStage<U> fireAsync(U event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends RelayEvent> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Event<RelayEvent> select(Annotation... qualifiers) {
            return this;
        }

        @Override
        public <U extends RelayEvent> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends RelayEvent> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }
}
