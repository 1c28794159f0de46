package io.streamrelay.servers;

import io.streamrelay.testing.servers.PayaraServer;
import io.streamrelay.testing.servers.ServerUnderTest;

/** The conformance suite on Payara Server 6.2025.10 (full distribution, a domain under target/): the smoke subset. */
class PayaraServerConformanceIT extends ConformanceSuite {

    @Override
    ServerUnderTest server() {
        return new PayaraServer();
    }

    @Override
    boolean fullSuite() {
        return false;
    }
}
