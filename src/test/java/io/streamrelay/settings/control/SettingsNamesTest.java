package io.streamrelay.settings.control;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A comma-separated setting read once for every component that needs it (relay.admin-keys). */
class SettingsNamesTest {

    private static Settings of(Map<String, String> values) {
        return new Settings(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void itemsAreStrippedAndEmptyOnesDropped() {
        assertEquals(Set.of("alice", "ops"), of(Map.of("k", " alice, ,ops ,")).names("k"));
    }

    @Test
    void unsetOrBlankIsEmpty() {
        assertEquals(Set.of(), of(Map.of()).names("k"));
        assertEquals(Set.of(), of(Map.of("k", "  ")).names("k"));
    }
}
