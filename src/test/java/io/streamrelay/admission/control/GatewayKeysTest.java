package io.streamrelay.admission.control;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayKeysTest {

    @Test
    void keysFromTheListAndTheFileIdentifyTheirSecrets() throws IOException {
        Path file = Files.createTempFile("keys", ".txt");
        Files.writeString(file, "# team keys\nbob:" + hash("bob-secret") + "\n\n");
        GatewayKeys keys = keys(Optional.of(" alice:" + hash("alice-secret").toUpperCase() + " "),
                Optional.of(file.toString()));
        assertTrue(keys.enabled());
        assertEquals(Optional.of("alice"), keys.identify("alice-secret"));
        assertEquals(Optional.of("bob"), keys.identify("bob-secret"));
        assertEquals(Optional.empty(), keys.identify("alice-secret "));
        assertEquals(Optional.empty(), keys.identify(""));
    }

    @Test
    void noKeysMeansOpen() {
        assertFalse(keys(Optional.empty(), Optional.empty()).enabled());
    }

    @Test
    void aMalformedEntryStopsTheRelayWithoutEchoingIt() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> keys(Optional.of("alice:my-plain-secret"), Optional.empty()));
        assertFalse(refused.getMessage().contains("my-plain-secret"), refused.getMessage());
    }

    /** The usage ledger records requests made without a key under the id {@code anonymous}: no key may have it. */
    @Test
    void theKeyIdAnonymousIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> keys(Optional.of("anonymous:" + hash("s")), Optional.empty()));
        assertTrue(refused.getMessage().contains("anonymous"), refused.getMessage());
    }

    private static GatewayKeys keys(Optional<String> list, Optional<String> file) {
        AdmissionSettings settings = new AdmissionSettings();
        settings.keys = list;
        settings.keysFile = file;
        GatewayKeys keys = new GatewayKeys();
        keys.settings = settings;
        keys.load();
        return keys;
    }

    private static String hash(String secret) {
        return HexFormat.of().formatHex(GatewayKeys.sha256(secret));
    }
}
