package io.streamrelay.openai.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrelay.completions.control.RelaySettings;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.upstream.control.DemoModel;
import io.streamrelay.upstream.control.UpstreamSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code GET /v1/models}: the models a caller may name: {@code relay.request.allowed-models} when set (sorted),
 * else the upstream's configured model and the fallback's, else (offline) the built-in model. OpenAI's list shape
 * {@code {"object":"list","data":[{"id","object":"model","created","owned_by":"streamrelay"}]}}; {@code created}
 * is when this relay started, as it knows no model's own date.
 */
@ApplicationScoped
public class ModelList {

    private final long started = System.currentTimeMillis() / 1000;

    @Inject
    RelaySettings relay;

    @Inject
    UpstreamSettings upstream;

    public Set<String> names() {
        if (!relay.allowedModels().isEmpty()) {
            return new java.util.TreeSet<>(relay.allowedModels());
        }
        Set<String> names = new LinkedHashSet<>();
        if (!upstream.configured()) {
            names.add(DemoModel.NAME);
            return names;
        }
        names.add(upstream.model());
        upstream.fallback().map(UpstreamSettings.Endpoint::model).ifPresent(names::add);
        return names;
    }

    public String json() {
        ObjectNode root = RelayJson.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String name : names()) {
            data.addObject().put("id", name).put("object", "model").put("created", started)
                    .put("owned_by", "streamrelay");
        }
        return root.toString();
    }
}
