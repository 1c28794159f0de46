package io.streamrelay.openai.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.upstream.entity.Usage;

import java.util.Map;
import java.util.TreeMap;

/**
 * Assembles one generation's events into OpenAI's non-streamed answer: {@code {"id","object":"chat.completion",
 * "created","model","choices":[{"index":0,"message":{"role":"assistant","content","reasoning_content"?,
 * "tool_calls"?,"refusal"},"logprobs","finish_reason"}],"usage"}}. Tool calls are joined by index, in index order;
 * logprobs pieces by concatenating their {@code content} and {@code refusal} arrays.
 */
public final class CompletionBody {

    private final long created;
    private String id = "chatcmpl-";
    private String model = "";
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final Map<Integer, Call> calls = new TreeMap<>();
    private ObjectNode logprobs;

    public CompletionBody(long createdEpochSeconds) {
        this.created = createdEpochSeconds;
    }

    public void bind(String generation) {
        id = "chatcmpl-" + generation;
    }

    /** Takes one event; a terminal one is answered by {@link #json}. */
    public void add(StreamEvent event) {
        if (event instanceof StreamEvent.Token token) {
            content.append(token.text());
        } else if (event instanceof StreamEvent.Reasoning piece) {
            reasoning.append(piece.text());
        } else if (event instanceof StreamEvent.ToolCall piece) {
            calls.computeIfAbsent(piece.index(), i -> new Call()).add(piece);
        } else if (event instanceof StreamEvent.Start start) {
            model = start.model() == null ? "" : start.model();
        } else if (event instanceof StreamEvent.Refusal piece) {
            refusal.append(piece.text());
        } else if (event instanceof StreamEvent.Logprobs piece) {
            addLogprobs(piece.json());
        }
        // Done and Failure end it ({@link #json}); pings have no place in a body that is sent whole.
    }

    public String json(StreamEvent.Done done) {
        ObjectNode root = RelayJson.MAPPER.createObjectNode();
        root.put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", done.model() != null ? done.model() : model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        message.put("content", content.isEmpty() && !calls.isEmpty() ? null : content.toString());
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            ArrayNode array = message.putArray("tool_calls");
            calls.values().forEach(call -> call.json(array.addObject()));
        }
        message.put("refusal", refusal.isEmpty() ? null : refusal.toString());
        choice.set("logprobs", logprobs);
        choice.put("finish_reason", done.finishReason());
        Usage usage = done.usage();
        root.putObject("usage").put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
        return root.toString();
    }

    private void addLogprobs(String json) {
        JsonNode piece;
        try {
            piece = RelayJson.MAPPER.readTree(json);
        } catch (java.io.IOException unreadable) {
            return; // the parser validated it; nothing else can be unreadable
        }
        if (!(piece instanceof ObjectNode object)) {
            return;
        }
        if (logprobs == null) {
            logprobs = object.deepCopy();
            return;
        }
        for (String field : new String[]{"content", "refusal"}) {
            if (object.get(field) instanceof ArrayNode more) {
                JsonNode have = logprobs.get(field);
                (have instanceof ArrayNode array ? array : logprobs.putArray(field)).addAll(more);
            }
        }
    }

    private static final class Call {
        private String id;
        private String name;
        private final StringBuilder arguments = new StringBuilder();

        void add(StreamEvent.ToolCall piece) {
            if (piece.id() != null) {
                id = piece.id();
            }
            if (piece.name() != null) {
                name = name == null ? piece.name() : name + piece.name();
            }
            if (piece.arguments() != null) {
                arguments.append(piece.arguments());
            }
        }

        void json(ObjectNode out) {
            out.put("id", id).put("type", "function");
            out.putObject("function").put("name", name).put("arguments", arguments.toString());
        }
    }
}
