package io.streamrelay.upstream.entity;

import java.util.List;

/**
 * A validated request (docs/requests.md).
 *
 * @param messages each message's role and text (string content, or its text parts joined by a line feed; empty
 *                 for none): what the offline model answers to
 * @param model null when the client left the choice to the relay
 * @param temperature 0 to 2, null when not given
 * @param maxTokens the client's {@code max_tokens}, within {@code relay.request.max-tokens}; null when not given
 * @param maxCompletionTokens the client's {@code max_completion_tokens}, within the same bound; null when not given
 * @param usageAsked whether the client asked for {@code stream_options.include_usage} (the relay asks the upstream
 *                   for usage whatever the client said, per {@code relay.upstream.stream-options})
 * @param stream what the client said in {@code stream}; null when it said nothing. The upstream is always asked
 *               for a stream.
 * @param tools whether the request offers the model tools ({@code tools} a non-empty array)
 * @param body the client's members in order, values as sent: the upstream body is written from it
 */
public record ChatRequest(List<ChatMessage> messages, String model, Double temperature, Integer maxTokens,
                          Integer maxCompletionTokens, boolean usageAsked, Boolean stream, boolean tools,
                          RequestBody body) {

    public ChatRequest {
        messages = List.copyOf(messages);
    }

    /** A request of plain string messages and nothing else (the query form; tests). */
    public ChatRequest(List<ChatMessage> messages, String model, Double temperature, Integer maxTokens) {
        this(messages, model, temperature, maxTokens, null, false, null, false, RequestBody.of(messages));
    }

    /** The tighter of the two token bounds the client gave, null when it gave none. */
    public Integer tokenBound() {
        return maxTokens == null ? maxCompletionTokens
                : maxCompletionTokens == null ? maxTokens : Integer.valueOf(Math.min(maxTokens, maxCompletionTokens));
    }

    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).content();
            }
        }
        return "";
    }
}
