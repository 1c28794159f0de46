package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.Usage;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.logging.Logger;

/**
 * One generation from its start event to its terminal one, and a retention time after (the store keeps it). It logs
 * events in its {@link ReplayLog} for its {@link Followers}, its {@link Ticker} watches the {@link Deadlines}, its
 * {@link Answer} decides the ending; every end passes {@link #end}, whose {@link Exit} releases all it holds, once.
 */
final class Generation implements Answer.Relay {

    enum Status { RUNNING, DONE, ERROR, CANCELLED }

    private static final Logger LOG = Logger.getLogger(Generation.class.getName());

    private final String id;
    private final ChatRequest request;
    private final Caller owner;
    private final Lease lease;
    private final Consumer<Generation> onEnd;
    private final Exit exit;
    private final Answer answer = new Answer(this);
    private final Ticker ticker;
    private final Object lock = new Object();
    private final ReplayLog log;
    private final Followers followers;
    private Status status = Status.RUNNING;
    private StreamEvent terminal;
    private Consumer<RelayEvent> events = event -> { };

    /** {@code onEnd} hears once, after the exit, when the generation ended (the store then keeps it a while). */
    Generation(String id, ChatRequest request, Caller owner, Lease lease, RelaySettings settings,
               TaskQueue scheduler, Executor writers, Consumer<Generation> onEnd) {
        this.id = id;
        this.request = request;
        this.owner = owner;
        this.lease = lease;
        this.onEnd = onEnd;
        this.exit = new Exit(lease);
        this.log = new ReplayLog(settings.replay().maxEvents(), settings.replay().maxBytes());
        this.followers = new Followers(settings.replay().graceMs(), scheduler, this::graceOver, writers,
                settings.bufferEvents());
        this.ticker = new Ticker(settings.timers(), scheduler, exit, answer, this::expire, this::liveFollowers);
    }

    String id() {
        return id;
    }

    /** Where it and its followers report (a few events each, none per token); {@code chat} or {@code generations}. */
    void reportTo(Consumer<RelayEvent> observer, String endpoint) {
        events = observer;
        answer.createdBy(endpoint);
        followers.reportTo(observer);
    }

    /** Mirrors its log to a cluster's shared one; the grace period counts the clients following it elsewhere. */
    void share(Consumer<StreamEvent> shared, java.util.function.IntSupplier elsewhere) {
        log.mirrorTo(shared);
        followers.countElsewhere(elsewhere);
    }

    /** What its replay log holds now, in the log's estimate of bytes. */
    long logBytes() {
        return log.bytes();
    }

    /** With gateway keys, only the key that created it sees it; without a key (open relay) the id is the capability. */
    boolean visibleTo(Caller caller) {
        return !caller.keyed() || caller.equals(owner);
    }

    /** Starts the upstream unless ended (its followers get the start); unfollowed, it waits the grace period. */
    void start(Upstream upstream) {
        Runnable deliver;
        synchronized (lock) {
            if (status != Status.RUNNING || terminal != null) { // stopped first: no start after its end, no paid call
                return;
            }
            String model = upstream.modelFor(request);
            answer.announced(model);
            StreamEvent start = new StreamEvent.Start(0, id, model);
            log.append(start);
            deliver = followers.offer(start);
            ticker.start();
            followers.awaitFirst();
        }
        deliver.run();
        Upstream.UpstreamCall started = upstream.open(request, answer);
        if (!exit.hold(started)) {
            started.cancel();
        }
    }

    /**
     * Follows from a client's cursor: every event after {@code after}, then every live one; null when there is
     * nothing to follow (the transport answers 204), a {@code beyondEnd} problem for a cursor it never handed out
     * ({@link ReplayLog#followable}). The sink is opened only after the checks, outside the lock (opening commits
     * the response); an end racing in between still ends that stream at once, with the events it missed.
     */
    Follower follow(long after, ErrorCode beyondEnd, TokenRelay.SinkOpener opener) throws IOException {
        synchronized (lock) {
            if (!log.followable(after, status == Status.RUNNING, beyondEnd)) {
                return null;
            }
        }
        return follow(opener.open(), after);
    }

    /** Adds a follower that receives every event after {@code after} (-1: all), then every live one. */
    Follower follow(TokenSink sink, long after) {
        sink.bind(id);
        Follower follower = followers.create(sink, after >= 0, this::unfollow);
        boolean pastTheEnd;
        synchronized (lock) {
            List<StreamEvent> missed = log.after(after);
            missed.forEach(follower::offerReplay);
            if (status == Status.RUNNING) {
                followers.add(follower);
            }
            pastTheEnd = missed.isEmpty() && status != Status.RUNNING;
        }
        if (pastTheEnd) {
            // Nothing will ever come: the stream closes now instead of waiting (and, unwatched, never pinging).
            follower.finished();
        }
        follower.signal();
        return follower;
    }

    /** A follower left (its client disconnected, or fell too far behind and was dropped). */
    private void unfollow(Follower follower) {
        finish(seq -> followers.remove(follower) && status == Status.RUNNING && !followers.startGrace()
                ? Endings.failure(seq, ErrorCode.CANCELLED, "no client is following the generation") : null);
    }

    private void graceOver() {
        finish(seq -> followers.isEmpty() && !followers.followedElsewhere()
                ? Endings.failure(seq, ErrorCode.CANCELLED, "no client came back within " + followers.graceMs() + " ms")
                : null);
    }

    private void expire(Deadlines.Fired fired) {
        finish(seq -> answer.ending(seq, fired));
    }

    private List<Follower> liveFollowers() {
        synchronized (lock) {
            return status == Status.RUNNING ? followers.snapshot() : List.of();
        }
    }

    GenerationView view() {
        synchronized (lock) {
            Usage known = terminal instanceof StreamEvent.Done done ? done.usage() : answer.usage();
            return log.view(id, status.name().toLowerCase(), answer.model(), known);
        }
    }

    /** Numbers a piece of the answer, logs it and hands it to the followers, or ends when it does not fit. */
    @Override
    public void piece(LongFunction<StreamEvent> piece, boolean counted) {
        Runnable deliver;
        synchronized (lock) {
            if (status != Status.RUNNING || terminal != null) {
                return;
            }
            StreamEvent event = piece.apply(log.lastSeq() + 1);
            if (log.fits(event)) {
                answer.relayed(counted);
                log.append(event);
                deliver = followers.offer(event);
            } else {
                terminal = Endings.ofOverflow(event.seq());
                deliver = null;
            }
        }
        if (deliver == null) {
            end();
        } else if (counted) {
            lease.tokens(1); // output counts against the caller's allowance (and any budget) as it streams
            deliver.run();
        } else {
            deliver.run();
        }
    }

    void fail(ErrorCode code, String message, boolean retryable) {
        finish(seq -> new StreamEvent.Failure(seq, code, message, retryable));
    }

    /** Decides an ending (null: none) from the state under the lock, given the next seq, then ends. */
    @Override
    public void finish(LongFunction<StreamEvent> ending) {
        synchronized (lock) {
            if (status == Status.RUNNING && terminal == null) {
                terminal = ending.apply(log.lastSeq() + 1);
            }
        }
        end();
    }

    /**
     * The single exit: the first caller wins, logs the terminal event and hands it to every follower, and releases
     * what the generation holds. The log stays for the retention time, for clients that reconnect late.
     */
    private void end() {
        Runnable deliver;
        StreamEvent last;
        RelayEvent ended;
        synchronized (lock) {
            if (status != Status.RUNNING || terminal == null) {
                return;
            }
            last = terminal;
            status = last instanceof StreamEvent.Done ? Status.DONE : last instanceof StreamEvent.Failure failure
                    && failure.code() == ErrorCode.CANCELLED ? Status.CANCELLED : Status.ERROR;
            log.append(last);
            deliver = followers.offer(last);
            ended = answer.ended(id, owner, request.model(), last, followers, log.bytes());
            followers.takeAll();
        }
        exit.leave();
        deliver.run();
        onEnd.accept(this);
        events.accept(ended);
        if (last instanceof StreamEvent.Failure failure) {
            LOG.fine(() -> "generation " + id + " ended: " + failure.code());
        }
    }
}
