package io.streamrelay.completions.control;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** This server's generations, in its heap: the store for a single instance. */
@ApplicationScoped
class InMemoryGenerationStore implements GenerationStore {

    private final Map<String, Generation> generations = new ConcurrentHashMap<>();

    @Override
    public void put(Generation generation) {
        generations.put(generation.id(), generation);
    }

    @Override
    public Generation find(String id) {
        return id == null ? null : generations.get(id);
    }

    @Override
    public void remove(Generation generation) {
        generations.remove(generation.id(), generation);
    }

    @Override
    public Iterable<Generation> all() {
        return generations.values();
    }

    @Override
    public int size() {
        return generations.size();
    }
}
