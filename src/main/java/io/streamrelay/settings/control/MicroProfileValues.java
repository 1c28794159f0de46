package io.streamrelay.settings.control;

import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Values from the server's MicroProfile Config. The only class that names its API, and it is loaded only after
 * {@link #available()} found the API: on a server without it (TomEE embedded) no class of the relay fails to link.
 */
final class MicroProfileValues {

    private static final Logger LOG = Logger.getLogger(MicroProfileValues.class.getName());

    private MicroProfileValues() {
    }

    /** The server's config as a lookup, or empty when it has no MicroProfile Config API or no implementation. */
    static Optional<Function<String, Optional<String>>> available() {
        try {
            Class.forName("org.eclipse.microprofile.config.ConfigProvider", false,
                    MicroProfileValues.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return Optional.empty();
        }
        try {
            return Optional.of(Lookup.create());
        } catch (IllegalStateException | LinkageError | java.util.ServiceConfigurationError noImplementation) {
            // The API without an implementation (unit tests, a server that bundles only the API).
            LOG.fine(() -> "MicroProfile Config API without an implementation: " + noImplementation);
            return Optional.empty();
        }
    }

    /** Separate so that the outer class links without the API. */
    private static final class Lookup {
        static Function<String, Optional<String>> create() {
            org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
            return key -> config.getOptionalValue(key, String.class);
        }
    }
}
