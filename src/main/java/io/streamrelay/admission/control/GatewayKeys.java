package io.streamrelay.admission.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The gateway keys: {@code id:sha256hex} entries from {@code relay.keys} and the file named by
 * {@code relay.keys-file}. Only hashes are configured, so neither the config nor a heap dump holds a secret; a
 * presented secret is hashed and compared with every key in constant time.
 */
@ApplicationScoped
public class GatewayKeys {

    private static final Logger LOG = Logger.getLogger(GatewayKeys.class.getName());

    @Inject
    AdmissionSettings settings;

    /** The id the usage ledger gives requests without a key (docs/usage.md); refused as a key's id. */
    public static final String ANONYMOUS = "anonymous";

    private List<Key> keys = List.of();

    record Key(String id, byte[] hash) {
    }

    @PostConstruct
    void load() {
        List<Key> loaded = new ArrayList<>();
        settings.keys().ifPresent(list -> {
            for (String entry : list.split(",")) {
                add(loaded, entry, "relay.keys");
            }
        });
        settings.keysFile().ifPresent(file -> {
            try {
                for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.strip().startsWith("#")) {
                        add(loaded, line, "relay.keys-file");
                    }
                }
            } catch (IOException e) {
                // Failing closed: a relay that was meant to need keys must not start open.
                throw new UncheckedIOException("cannot read relay.keys-file " + file, e);
            }
        });
        keys = List.copyOf(loaded);
        if (keys.isEmpty()) {
            LOG.warning("no gateway keys configured (RELAY_KEYS, RELAY_KEYS_FILE): the API is open to anyone who"
                    + " can reach it");
        } else {
            LOG.info(() -> keys.size() + " gateway keys: every API request needs Authorization: Bearer <secret>");
        }
    }

    private static void add(List<Key> keys, String entry, String source) {
        String trimmed = entry.strip();
        if (trimmed.isEmpty()) {
            return;
        }
        int colon = trimmed.lastIndexOf(':');
        String id = colon < 0 ? "" : trimmed.substring(0, colon).strip();
        String hex = colon < 0 ? "" : trimmed.substring(colon + 1).strip().toLowerCase();
        if (id.isEmpty() || !hex.matches("[0-9a-f]{64}")) {
            // The entry is not echoed: someone may have put a secret there instead of its hash.
            throw new IllegalStateException(source + " has an entry that is not <id>:<sha256 hex>");
        }
        if (id.equals(ANONYMOUS)) {
            // Its usage would be mixed with, and its GET /api/usage would read, the requests made without a key.
            throw new IllegalStateException(source + ": the key id '" + ANONYMOUS + "' is reserved (the usage ledger"
                    + " records requests without a key under it); give this key another id");
        }
        keys.add(new Key(id, HexFormat.of().parseHex(hex)));
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** The id of the key whose secret this is. Every key is compared, in constant time, whatever matches. */
    public Optional<String> identify(String secret) {
        byte[] hash = sha256(secret);
        String found = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.hash(), hash) && found == null) {
                found = key.id();
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
