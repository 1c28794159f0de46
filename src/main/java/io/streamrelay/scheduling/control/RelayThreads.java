package io.streamrelay.scheduling.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The relay's task queues: timers and upstream callbacks (short tasks that never block) and writers (SSE writes,
 * which block while a client's socket is full), kept apart so that slow clients never delay a heartbeat, a
 * timeout or another stream's tokens. Together they bound the relay's threads, whatever the number of streams.
 */
@ApplicationScoped
public class RelayThreads {

    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "relay.threads.timers")
    int timerThreads;

    @Inject
    @ConfigProperty(name = "relay.threads.writers")
    int writerThreads;

    @Inject
    @ConfigProperty(name = "relay.threads.upstream")
    int upstreamThreads;

    private TaskQueue timers;
    private TaskQueue writers;
    private TaskQueue upstream;

    @PostConstruct
    void start() {
        timers = new TaskQueue("timers", executor, timerThreads);
        writers = new TaskQueue("writers", executor, writerThreads);
        upstream = new TaskQueue("upstream", executor, upstreamThreads);
    }

    public TaskQueue timers() {
        return timers;
    }

    public TaskQueue writers() {
        return writers;
    }

    /** The HttpClient's callbacks: parsing upstream bytes and handing events on, never blocking. */
    public TaskQueue upstream() {
        return upstream;
    }

    @PreDestroy
    void stop() {
        timers.stop();
        writers.stop();
        upstream.stop();
    }
}
