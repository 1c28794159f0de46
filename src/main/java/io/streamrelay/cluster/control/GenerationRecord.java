package io.streamrelay.cluster.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.problems.entity.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A generation's record in the grid, stored as JSON: who may see it (owner), which member produces it, its status
 * and, once ended, its terminal event (stored, so that a follower that missed the log's last batch still ends).
 */
record GenerationRecord(String owner, boolean keyed, String producer, String status, StreamEvent terminal) {

    static GenerationRecord running(String owner, boolean keyed, String producer) {
        return new GenerationRecord(owner, keyed, producer, "running", null);
    }

    GenerationRecord ended(StreamEvent last) {
        return new GenerationRecord(owner, keyed, producer, statusOf(last), last);
    }

    static String statusOf(StreamEvent last) {
        return last instanceof StreamEvent.Done ? "done" : last instanceof StreamEvent.Failure failure
                && failure.code() == ErrorCode.CANCELLED ? "cancelled" : "error";
    }

    String json() {
        ObjectNode node = RelayJson.MAPPER.createObjectNode();
        node.put("owner", owner).put("keyed", keyed).put("producer", producer).put("status", status);
        if (terminal != null) {
            node.put("terminal", EventJson.encode(List.of(terminal)));
        }
        return node.toString();
    }

    static GenerationRecord parse(String json) {
        try {
            JsonNode node = RelayJson.MAPPER.readTree(json);
            JsonNode terminal = node.get("terminal");
            return new GenerationRecord(node.path("owner").asText(), node.path("keyed").asBoolean(),
                    node.path("producer").asText(), node.path("status").asText(),
                    terminal == null ? null : EventJson.decode(terminal.asText()).get(0));
        } catch (IOException broken) {
            throw new UncheckedIOException(broken);
        }
    }
}
