/**
 * The relay's one JSON library, Jackson, configured once: how request bodies are read (as strictly as RFC 8259
 * and within bounds that make hostile input a 4xx) and how response entities are written. The hot-path stream
 * events keep their measured hand-written form ({@code completions.entity.JsonText}).
 */
package io.streamrelay.json;
