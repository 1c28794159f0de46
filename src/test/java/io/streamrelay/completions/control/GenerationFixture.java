package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;

import java.util.List;

/** A generation with long timers and a small grace, for tests that drive it by hand. */
final class GenerationFixture {

    private GenerationFixture() {
    }

    static Generation generation(TaskQueue timers) {
        return generation(timers, 60_000);
    }

    static Generation generation(TaskQueue timers, long heartbeatMs) {
        RelaySettings settings = new RelaySettings();
        settings.heartbeatMs = heartbeatMs;
        settings.heartbeatProbes = 0;
        settings.firstTokenTimeoutMs = 60_000;
        settings.idleTimeoutMs = 60_000;
        settings.maxDurationMs = 60_000;
        settings.bufferEvents = 100;
        settings.graceMs = 30_000;
        settings.retentionMs = 60_000;
        settings.maxEvents = 1000;
        settings.maxBytes = 1 << 20;
        return new Generation("g", new ChatRequest(List.of(new ChatMessage("user", "hi")), null, null, null),
                Caller.address("127.0.0.1"), Lease.NONE, settings, timers, Runnable::run, g -> { });
    }
}
