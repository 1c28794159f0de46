package io.streamrelay.scheduling.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tasks, now or after a delay, run by a fixed number of long-running workers started once: on threads of their own
 * from the container's ManagedThreadFactory (or tasks on an executor, in unit tests). Handing a task over is a queue
 * insert, not a container submission. Workers never sit on a server's shared executor, whose size differs by
 * server (TomEE's default managed executor: 5 threads and a queue of 15, fewer than the relay's 12 workers).
 */
public final class TaskQueue implements Executor {

    private static final Logger LOG = Logger.getLogger(TaskQueue.class.getName());

    private final String name;
    private final DelayQueue<Task> queue = new DelayQueue<>();
    private final AtomicLong order = new AtomicLong();
    private final List<Runnable> stoppers = new ArrayList<>();
    private volatile boolean stopped;

    /** A scheduled task that may still be called off; cancelling a task that already ran does nothing. */
    public interface Scheduled {
        void cancel();
    }

    /** Workers on {@code threads} threads made by {@code factory} (the server's ManagedThreadFactory). */
    public TaskQueue(String name, ThreadFactory factory, int threads) {
        this.name = name;
        for (int i = 0; i < threads; i++) {
            Thread worker = factory.newThread(this::work);
            worker.setName("relay-" + name + "-" + i);
            worker.start();
            stoppers.add(worker::interrupt);
        }
    }

    /** Workers as {@code threads} never-ending tasks on {@code executor}, which must have that many threads free. */
    public TaskQueue(String name, ExecutorService executor, int threads) {
        this.name = name;
        for (int i = 0; i < threads; i++) {
            Future<?> worker = executor.submit(this::work);
            stoppers.add(() -> worker.cancel(true));
        }
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    public Scheduled schedule(Runnable task, long delayNanos) {
        if (stopped) {
            throw new RejectedExecutionException(name + " is stopped");
        }
        Task scheduled = new Task(task, System.nanoTime() + delayNanos, order.getAndIncrement());
        queue.add(scheduled);
        return scheduled;
    }

    public void stop() {
        stopped = true;
        stoppers.forEach(Runnable::run);
    }

    private void work() {
        while (!stopped) {
            Task task;
            try {
                task = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (task != null && !task.cancelled) {
                try {
                    task.run.run();
                } catch (RuntimeException | LinkageError failure) {
                    LOG.log(Level.WARNING, name + ": a task failed", failure);
                }
            }
        }
    }

    private static final class Task implements Delayed, Scheduled {
        private final Runnable run;
        private final long atNanos;
        private final long order;
        private volatile boolean cancelled;

        Task(Runnable run, long atNanos, long order) {
            this.run = run;
            this.atNanos = atNanos;
            this.order = order;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task that = (Task) other;
            int byTime = Long.compare(atNanos, that.atNanos);
            return byTime != 0 ? byTime : Long.compare(order, that.order);
        }
    }
}
