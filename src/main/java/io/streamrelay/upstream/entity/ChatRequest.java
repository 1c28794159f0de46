package io.streamrelay.upstream.entity;

import java.util.List;

/** A validated request; {@code model} is null when the client left the choice to the relay. */
public record ChatRequest(List<ChatMessage> messages, String model, Double temperature, Integer maxTokens) {

    public ChatRequest {
        messages = List.copyOf(messages);
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
