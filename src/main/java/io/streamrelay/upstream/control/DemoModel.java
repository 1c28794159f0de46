package io.streamrelay.upstream.control;

import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The built-in offline model: a deterministic reply made from the request, paced like a real model, so the
 * product runs and can be tried on a machine with no network. It feeds the same service, sinks and timers as a
 * real upstream; only the source of the tokens differs.
 */
@ApplicationScoped
@Typed(DemoModel.class)
public class DemoModel implements Upstream {

    public static final String NAME = "streamrelay-demo";

    @Inject
    UpstreamSettings settings;

    @Inject
    RelayThreads threads;

    @Override
    public String modelFor(ChatRequest request) {
        return NAME;
    }

    @Override
    public UpstreamCall open(ChatRequest request, Consumer<UpstreamEvent> events) {
        String tool = toolToCall(request);
        List<UpstreamEvent> pieces = new ArrayList<>();
        String finish = "stop";
        if (tool != null) {
            tokens(DemoToolCall.preface(tool)).forEach(t -> pieces.add(new UpstreamEvent.Text(t)));
            pieces.addAll(DemoToolCall.fragments(tool, request.lastUserText()));
            finish = "tool_calls";
        } else {
            tokens(reply(request)).forEach(t -> pieces.add(new UpstreamEvent.Text(t)));
        }
        if (request.tokenBound() != null && request.tokenBound() < pieces.size()) {
            pieces.subList(request.tokenBound(), pieces.size()).clear();
            finish = "length";
        }
        int promptTokens = request.messages().stream().mapToInt(m -> tokens(m.content()).size()).sum();
        Ticker ticker = new Ticker(pieces, finish, promptTokens, events, settings.demoTokenInterval().toMillis());
        ticker.next();
        return ticker::cancel;
    }

    /** With tools offered and a user message last, the demo calls the first function; after a tool result, it answers. */
    private static String toolToCall(ChatRequest request) {
        boolean userLast = !request.messages().isEmpty()
                && "user".equals(request.messages().get(request.messages().size() - 1).role());
        return request.tools() && userLast ? DemoToolCall.firstFunction(request.body().json("tools")) : null;
    }

    static String reply(ChatRequest request) {
        String prompt = request.lastUserText().strip();
        if (prompt.codePointCount(0, prompt.length()) > 120) {
            prompt = prompt.substring(0, prompt.offsetByCodePoints(0, 120)) + "…";
        }
        return "This is StreamRelay's built-in offline model, answering because no upstream is configured. "
                + "You wrote \u201c" + prompt + "\u201d (" + request.lastUserText().codePointCount(0,
                request.lastUserText().length()) + " characters, " + request.messages().size()
                + (request.messages().size() == 1 ? " message" : " messages") + " in the conversation). "
                + "Each word arrives as its own token, the way a real model streams them. "
                + "Non-ASCII text travels intact: Grüße, naïve café, 你好，世界, こんにちは, 🚀✨. "
                + "Set RELAY_UPSTREAM_URL and RELAY_UPSTREAM_API_KEY to relay a real model.";
    }

    /** Splits like a tokenizer would: a word with its leading space, and CJK characters one by one. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        text.codePoints().forEach(cp -> {
            boolean cjk = Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN
                    || Character.UnicodeScript.of(cp) == Character.UnicodeScript.HIRAGANA
                    || Character.UnicodeScript.of(cp) == Character.UnicodeScript.KATAKANA;
            if ((cp == ' ' || cjk) && current.length() > 0 && !current.toString().isBlank()) {
                tokens.add(current.toString());
                current.setLength(0);
            }
            current.appendCodePoint(cp);
            if (cjk) {
                tokens.add(current.toString());
                current.setLength(0);
            }
        });
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private final class Ticker {
        private final List<UpstreamEvent> tokens;
        private final String finish;
        private final int promptTokens;
        private final Consumer<UpstreamEvent> events;
        private final long intervalMs;
        private int position;
        private TaskQueue.Scheduled pending;
        private boolean cancelled;

        Ticker(List<UpstreamEvent> tokens, String finish, int promptTokens, Consumer<UpstreamEvent> events,
               long intervalMs) {
            this.tokens = tokens;
            this.finish = finish;
            this.promptTokens = promptTokens;
            this.events = events;
            this.intervalMs = intervalMs;
        }

        synchronized void next() {
            if (!cancelled) {
                pending = threads.timers().schedule(this::emit, intervalMs * 1_000_000L);
            }
        }

        private void emit() {
            synchronized (this) {
                if (cancelled) {
                    return;
                }
            }
            if (position < tokens.size()) {
                events.accept(tokens.get(position++));
                next();
                return;
            }
            events.accept(new UpstreamEvent.Finish(finish));
            events.accept(new UpstreamEvent.Counted(
                    new Usage(promptTokens, tokens.size(), promptTokens + tokens.size(), false)));
            events.accept(new UpstreamEvent.End(true));
        }

        synchronized void cancel() {
            cancelled = true;
            if (pending != null) {
                pending.cancel();
            }
        }
    }
}
